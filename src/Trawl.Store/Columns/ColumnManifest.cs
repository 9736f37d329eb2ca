using System.Text.Json;
using System.Text.Json.Serialization;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>
/// Which column files a table has and how many rows they hold: the commit point of a column build. Files may
/// hold more rows than the manifest says (an interrupted append); readers use only the committed rows.
/// </summary>
internal sealed record ColumnManifest
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public required string Table { get; init; }
    public required long Rows { get; init; }
    public required IReadOnlyList<ColumnManifestEntry> Columns { get; init; }

    /// <summary>The full-text ranking files for the same rows, or null when the table has none (no FTS index, or
    /// files from before they existed: the next update builds them).</summary>
    public SearchRankingEntry? Search { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static ColumnManifest? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var manifest = JsonSerializer.Deserialize<ColumnManifest>(File.ReadAllBytes(path), Json)
                ?? throw new DataFormatException(path, $"empty column manifest");
            if (manifest.Version != CurrentVersion)
                throw new DataFormatException(path, $"column manifest version {manifest.Version}; rebuild with `trawl columns`");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"unreadable column manifest: {e.Message}", inner: e);
        }
    }

    /// <summary>Writes through a temporary file and a rename, so readers see the old or the new manifest.</summary>
    public void Write(string path)
    {
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>One column's encodings in a <see cref="ColumnManifest"/>.</summary>
internal sealed record ColumnManifestEntry(string Name, IReadOnlyList<ColumnEncoding> Encodings);

/// <summary>The ranking files' totals in a <see cref="ColumnManifest"/>: what bm25 needs besides the postings.</summary>
/// <param name="FtsTable">The FTS5 table they describe.</param>
/// <param name="Documents">Rows in the FTS index (FTS5's row count).</param>
/// <param name="Tokens">Tokens in all indexed columns of all those rows.</param>
/// <param name="Segments">How many <c>.termfreq</c> files hold the repeated terms, each for the rows after the one
/// before it (an append adds one for its own rows instead of rewriting the whole file; see
/// <see cref="SearchRankingBuilder.MaxSegments"/>).</param>
internal sealed record SearchRankingEntry(string FtsTable, long Documents, long Tokens, int Segments = 1);
