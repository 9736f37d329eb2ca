using System.Text;
using Trawl.Store.Datasets;

namespace Trawl.Server.Rendering;

/// <summary>
/// Renders one result's cells as HTML by column role and content: images as lazy thumbnails, videos as players
/// that load nothing until asked, YouTube ids and URLs as light embeds, other http(s) URLs as links, the rest
/// as encoded text. Every value is HTML-encoded; only http(s) URLs become links or media.
/// </summary>
internal sealed class CellRenderer
{
    private readonly IReadOnlyList<string> _columns;
    private readonly Views.LinkedColumn?[] _linked;
    private readonly ColumnRole[] _roles;
    private readonly bool[] _numeric;
    private readonly int _startColumn;
    private readonly int _endColumn;
    private readonly int _maxTextLength;

    /// <param name="columns">The result's column names, in order.</param>
    /// <param name="table">Where the roles come from; null (SQL results) judges by content alone.</param>
    /// <param name="maxTextLength">Longer text is cut with an ellipsis (table cells); int.MaxValue shows it whole.</param>
    public CellRenderer(IReadOnlyList<string> columns, TableInfo? table, int maxTextLength)
    {
        _columns = columns;
        _linked = new Views.LinkedColumn?[columns.Count];
        _roles = columns.Select(c => table?.FindColumn(c)?.Role ?? ColumnRole.None).ToArray();
        _numeric = columns.Select(c => table?.FindColumn(c)?.SqlType.IsNumeric() == true).ToArray();
        _startColumn = IndexOf(columns, "start_s");
        _endColumn = IndexOf(columns, "end_s");
        _maxTextLength = maxTextLength;
    }

    /// <summary>Links to rows' images in local shards, used for thumbnails instead of the original URL; null for none.</summary>
    public LocalThumbnails? Local { get; init; }

    /// <summary>The dataset the rows belong to, for links to its tables and rows.</summary>
    public string Database { get => _database; init => _database = value; }

    /// <summary>Foreign-key columns: their values link to the rows they point at, under the row's label.</summary>
    public void Link(string database, IReadOnlyList<Views.LinkedColumn> linked)
    {
        _database = database;
        foreach (var l in linked)
        {
            int at = IndexOf(_columns, l.Key.Column);
            if (at >= 0)
                _linked[at] = l;
        }
    }

    private string _database = "";

    /// <summary>The CSS class of the cell's &lt;td&gt;: numbers are right-aligned.</summary>
    public static string CellClass(object? value) => value switch
    {
        null => "null",
        _ when Html.IsNumber(value) => "num",
        _ => "text",
    };

    /// <summary>Appends a whole &lt;td&gt; for column <paramref name="column"/> of <paramref name="row"/>.</summary>
    public void AppendCell(StringBuilder sb, object?[] row, int column)
    {
        object? value = row[column];
        string cls = CellClass(value);
        if (value is null && column < _numeric.Length && _numeric[column])
            cls = "null num-null";
        sb.Append("<td class=\"").Append(cls).Append("\">");
        AppendValue(sb, row, column);
        sb.Append("</td>");
    }

    /// <summary>Appends the cell's content (no &lt;td&gt;).</summary>
    public void AppendValue(StringBuilder sb, object?[] row, int column)
    {
        object? value = row[column];
        ColumnRole role = column < _roles.Length ? _roles[column] : ColumnRole.None;
        if (column < _linked.Length && _linked[column]?.Find(value) is { } target)
        {
            if (role == ColumnRole.None)
            {
                AppendKeyLink(sb, _linked[column]!.Key, target, value!);
                return;
            }
            // A media or link cell keeps its player or thumbnail; the link to the row it points at follows it.
            AppendMedia(sb, row, column, value, role);
            sb.Append(" <a class=\"fk fk-after\" href=\"").AppendEncoded(Views.Links.Row(_database, _linked[column]!.Key.OtherTable, target.RowId)).Append("\">→ ");
            AppendPlainText(sb, target.Label ?? _linked[column]!.Key.OtherTable);
            sb.Append("</a>");
            return;
        }
        AppendMedia(sb, row, column, value, role);
    }

    private void AppendMedia(StringBuilder sb, object?[] row, int column, object? value, ColumnRole role)
    {
        switch (value)
        {
            case null:
                sb.Append("<span class=\"null\">null</span>");
                return;
            case byte[] bytes:
                sb.Append("<span class=\"binary\">&lt;").Append(bytes.Length).Append(" bytes&gt;</span>");
                return;
            case string when Local is { ThumbnailInShardColumn: true } local && column == local.ShardColumn && local.Link(row) is { } src:
                AppendLocalImage(sb, src);
                return;
            case string table when role == ColumnRole.SearchLink && IndexOf(_columns, "name") is int nameAt and >= 0 && row[nameAt] is string name:
                // trawl count-names: the count came from searching TABLE for NAME as one phrase; the cell is that search.
                sb.Append("<a class=\"search-link\" href=\"").AppendEncoded(Views.Links.Table(_database, table, Requests.OutputFormat.Html,
                    Requests.QueryParams.Empty.With("_search", Trawl.Store.Related.NameCounts.Phrase(name)))).Append("\">search ").AppendEncoded(table).Append("</a>");
                return;
            case string text:
                AppendText(sb, text, role, row);
                return;
            default:
                sb.AppendEncoded(Html.Format(value));
                return;
        }
    }

    private void AppendText(StringBuilder sb, string text, ColumnRole role, object?[] row)
    {
        if (role == ColumnRole.YouTube)
        {
            var clip = YouTubeClip.FromId(text, Cell(row, _startColumn), Cell(row, _endColumn));
            if (clip is not null)
            {
                AppendYouTube(sb, clip);
                return;
            }
        }

        var uri = MediaUrl.TryParseHttp(text);
        if (uri is null)
        {
            AppendPlainText(sb, text);
            return;
        }
        var fromUrl = YouTubeClip.FromUrl(uri);
        if (fromUrl is not null)
        {
            // A watch URL without its own times takes the row's start_s/end_s, as MusicCaps would.
            if (fromUrl.Start is null && fromUrl.End is null)
                fromUrl = fromUrl with { Start = YouTubeClip.Seconds(Cell(row, _startColumn)), End = YouTubeClip.Seconds(Cell(row, _endColumn)) };
            AppendYouTube(sb, fromUrl);
        }
        else if (role == ColumnRole.Image || (role != ColumnRole.Video && MediaUrl.IsImage(uri)))
            AppendImage(sb, uri, Local?.Link(row));
        else if (role == ColumnRole.Video || MediaUrl.IsVideo(uri))
            AppendVideo(sb, uri);
        else
            AppendLink(sb, uri, text);
    }

    /// <summary>Datasette's foreign-key cell: the other row's label as a link to it, then the key itself; without a
    /// label the key is the link.</summary>
    private void AppendKeyLink(StringBuilder sb, Trawl.Store.Related.ForeignKey key, Trawl.Store.Related.KeyTarget target, object value)
    {
        string text = Html.Format(value);
        sb.Append("<a class=\"fk\" href=\"").AppendEncoded(Views.Links.Row(_database, key.OtherTable, target.RowId)).Append("\">");
        if (target.Label is { } label)
        {
            AppendPlainText(sb, label.Length == 0 ? "(empty)" : label);
            sb.Append("</a> <em class=\"fk-key\">").AppendEncoded(text).Append("</em>");
        }
        else
            sb.AppendEncoded(text).Append("</a>");
    }

    private void AppendPlainText(StringBuilder sb, string text)
    {
        if (text.Length <= _maxTextLength)
        {
            sb.AppendEncoded(text);
            return;
        }
        int cut = _maxTextLength;
        if (char.IsHighSurrogate(text[cut - 1]))
            cut--;
        sb.AppendEncoded(text[..cut]).Append("<span class=\"more\" title=\"").Append(text.Length - cut).Append(" more characters on the row page\">…</span>");
    }

    private static void AppendLink(StringBuilder sb, Uri uri, string text)
    {
        sb.Append("<a href=\"").AppendEncoded(uri.AbsoluteUri).Append("\" rel=\"nofollow noopener noreferrer\">").AppendEncoded(text).Append("</a>");
    }

    /// <param name="localSrc">The row's image from a local shard, shown instead of fetching the URL; null for none.</param>
    private static void AppendImage(StringBuilder sb, Uri uri, string? localSrc = null)
    {
        string url = Html.Encode(uri.AbsoluteUri);
        sb.Append("<a class=\"thumb\" href=\"").Append(url).Append("\" rel=\"nofollow noopener noreferrer\">")
          // The alt text names the file, so a page read offline (or with a dead link) still says what is there.
          .Append("<img loading=\"lazy\" src=\"").Append(localSrc is null ? url : Html.Encode(localSrc)).Append("\" referrerpolicy=\"no-referrer\" alt=\"")
          .AppendEncoded(uri.Host + uri.AbsolutePath).Append("\">")
          .Append("</a>");
    }

    private static void AppendLocalImage(StringBuilder sb, string src)
    {
        string url = Html.Encode(src);
        sb.Append("<a class=\"thumb\" href=\"").Append(url).Append("\"><img loading=\"lazy\" src=\"").Append(url).Append("\" alt=\"image from a local shard\"></a>");
    }

    private static void AppendVideo(StringBuilder sb, Uri uri)
    {
        string url = Html.Encode(uri.AbsoluteUri);
        sb.Append("<video preload=\"none\" controls src=\"").Append(url).Append("\"></video>")
          .Append("<a class=\"media-link\" href=\"").Append(url).Append("\" rel=\"nofollow noopener noreferrer\">video</a>");
    }

    /// <summary>A thumbnail with a play button; trawl.js swaps in the privacy-enhanced player on click, so a page
    /// full of clips loads no YouTube code.</summary>
    internal static void AppendYouTube(StringBuilder sb, YouTubeClip clip)
    {
        sb.Append("<div class=\"yt\" data-yt=\"").Append(clip.Id).Append('"');
        if (clip.Start is int s)
            sb.Append(" data-start=\"").Append(s).Append('"');
        if (clip.End is int e)
            sb.Append(" data-end=\"").Append(e).Append('"');
        sb.Append("><button type=\"button\" class=\"yt-play\" title=\"Play the clip\" aria-label=\"Play the clip\">")
          .Append("<img loading=\"lazy\" src=\"").AppendEncoded(clip.ThumbnailUrl).Append("\" referrerpolicy=\"no-referrer\" alt=\"\">")
          .Append("<span class=\"yt-icon\" aria-hidden=\"true\"></span></button>")
          .Append("<a class=\"media-link\" href=\"").AppendEncoded(clip.WatchUrl).Append("\" rel=\"nofollow noopener noreferrer\">").Append(clip.Id);
        if (clip.Start is int a)
            sb.Append(" · ").Append(a).Append(clip.End is int b ? $"–{b}" : "").Append(" s");
        sb.Append("</a></div>");
    }

    private static object? Cell(object?[] row, int column) => column >= 0 && column < row.Length ? row[column] : null;

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
