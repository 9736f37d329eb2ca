namespace Trawl.Store.Columns;

/// <summary>A table's column files as its manifest lists them, mapped read-only; columns by name.</summary>
internal sealed class TableColumns : IDisposable
{
    private readonly Dictionary<string, ColumnData> _columns;

    private TableColumns(string table, long rows, Dictionary<string, ColumnData> columns, SearchRanking? ranking)
    {
        Table = table;
        Rows = rows;
        _columns = columns;
        Ranking = ranking;
    }

    /// <summary>bm25 from the ranking files, or null when the table has none (or they are damaged: SQLite ranks).</summary>
    public SearchRanking? Ranking { get; }

    public string Table { get; }

    /// <summary>Rows the files hold (committed): queries use them only while the table has exactly this many.</summary>
    public long Rows { get; }

    /// <summary>The table's column files, or null when it has none (never built, built for another table layout, or
    /// left by a crash while its dictionaries were rewritten in place).</summary>
    public static TableColumns? Open(string datasetDirectory, string table)
    {
        string folder = ColumnFiles.Folder(datasetDirectory);
        var manifest = ColumnManifest.TryRead(ColumnFiles.Manifest(folder, table));
        if (manifest is null || File.Exists(ColumnFiles.DictionaryRewriteMarker(folder, table)))
            return null;
        var columns = new Dictionary<string, ColumnData>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var entry in manifest.Columns)
            {
                MappedColumnFile? Open(ColumnEncoding e, ColumnFilePart p) =>
                    entry.Encodings.Contains(e) ? MappedColumnFile.Open(ColumnFiles.File(folder, table, entry.Name, e, p), p) : null;
                var int64 = Open(ColumnEncoding.Int64, ColumnFilePart.Values);
                var float64 = Open(ColumnEncoding.Float64, ColumnFilePart.Values);
                var codes = Open(ColumnEncoding.Dictionary, ColumnFilePart.Codes);
                var dict = entry.Encodings.Contains(ColumnEncoding.Dictionary)
                    ? ColumnDictionary.Open(ColumnFiles.File(folder, table, entry.Name, ColumnEncoding.Dictionary, ColumnFilePart.Dictionary))
                    : null;
                columns[entry.Name] = new ColumnData(entry.Name, manifest.Rows, int64, float64, codes, dict);
            }
        }
        catch
        {
            foreach (var c in columns.Values)
                c.Dispose();
            throw;
        }
        SearchRanking? ranking = null;
        if (manifest.Search is { } search)
        {
            try
            {
                ranking = SearchRanking.Open(folder, table, search, manifest.Rows);
            }
            catch (Trawl.Formats.Tables.DataFormatException)
            {
                ranking = null;
            }
            catch (IOException)
            {
                ranking = null;
            }
        }
        return new TableColumns(table, manifest.Rows, columns, ranking);
    }

    public ColumnData? Find(string column) => _columns.GetValueOrDefault(column);

    public void Dispose()
    {
        foreach (var c in _columns.Values)
            c.Dispose();
        Ranking?.Dispose();
    }
}
