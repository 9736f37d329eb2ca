using Trawl.Formats.WebDataset;
using Trawl.Server.Views;
using Trawl.Store.Datasets;
using Trawl.Store.Images;

namespace Trawl.Server.Rendering;

/// <summary>
/// For tables whose rows reference images in local webdataset shards: the link to a row's image
/// (<c>/DB/TABLE/ROWID/image</c>), so thumbnails come from the shard instead of the original host.
/// </summary>
internal sealed class LocalThumbnails
{
    private readonly string _db;
    private readonly string _table;
    private readonly int _rowid;

    private LocalThumbnails(string db, string table, int rowid, int shardColumn, bool thumbnailInShardColumn)
    {
        _db = db;
        _table = table;
        _rowid = rowid;
        ShardColumn = shardColumn;
        ThumbnailInShardColumn = thumbnailInShardColumn;
    }

    /// <summary>The image_shard column's position in the result.</summary>
    public int ShardColumn { get; }

    /// <summary>When the table has no image URL column, the shard column itself shows the thumbnail.</summary>
    public bool ThumbnailInShardColumn { get; }

    /// <summary>Null when the table has no local images or the result lacks the rowid or the shard column.</summary>
    public static LocalThumbnails? For(string db, TableInfo table, IReadOnlyList<string> columns)
    {
        if (!ShardImages.HasLocalImages(table))
            return null;
        int rowid = IndexOf(columns, "rowid");
        int shard = IndexOf(columns, WebDatasetColumns.ImageShard);
        if (rowid < 0 || shard < 0)
            return null;
        bool hasImageUrl = table.Columns.Any(c => c.Role == ColumnRole.Image);
        return new LocalThumbnails(db, table.Name, rowid, shard, !hasImageUrl);
    }

    /// <summary>The row's local image link, or null when this row has none.</summary>
    public string? Link(object?[] row) =>
        row.Length > Math.Max(_rowid, ShardColumn) && row[_rowid] is long id && row[ShardColumn] is string
            ? Image(_db, _table, id)
            : null;

    public static string Image(string db, string table, long rowid) => Links.Row(db, table, rowid) + "/image";

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }
}
