using Trawl.Formats.Tables;
using Trawl.Formats.WebDataset;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Web.Download;

/// <summary>The rows to download, streamed: from a dataset's table (key = rowid) or any file Trawl reads (key = position).</summary>
internal static class SourceRows
{
    /// <summary>The rows, how many there are when known, and the Parquet types of the additional columns.</summary>
    public static (IEnumerable<SourceRow> Rows, long? Count, IReadOnlyList<(string Name, MetadataColumnType Type)> Extra, IDisposable Owner) Open(DownloadRequest request)
    {
        if (Directory.Exists(request.Input))
        {
            var dataset = Dataset.Open(request.Input);
            try
            {
                var tables = dataset.ListTables();
                TableInfo table = request.Table is { } t ? dataset.GetTable(t)
                    : tables.Count == 1 ? tables[0]
                    : throw new UserErrorException($"{request.Input} has {tables.Count} tables; choose one with --table ({string.Join(", ", tables.Select(x => x.Name))})");
                string url = Column(table, request.UrlColumn, "--url-column").Name;
                string? caption = request.CaptionColumn is { } c ? Column(table, c, "--caption-column").Name : null;
                string? verify = request.VerifyHashColumn is { } v ? Column(table, v, "--verify-hash-column").Name : null;
                var extra = request.AdditionalColumns.Select(a => Column(table, a, "--save-additional-columns")).ToList();
                var types = extra.Select(e => (e.Name, e.SqlType switch
                {
                    SqlType.Integer => MetadataColumnType.Int64,
                    SqlType.Real => MetadataColumnType.Double,
                    _ => MetadataColumnType.Text,
                })).ToList();
                var query = new TableQuery { Table = table.Name };
                long count = dataset.CountRows(query);
                return (FromDataset(dataset, query, url, caption, verify, extra.Select(e => e.Name).ToList(), types), count, types, dataset);
            }
            catch
            {
                dataset.Dispose();
                throw;
            }
        }
        if (request.Table is not null)
            throw new UserErrorException("--table applies to a dataset; the input is a file");
        var columns = new List<string> { request.UrlColumn };
        if (request.CaptionColumn is { } cap)
            columns.Add(cap);
        if (request.VerifyHashColumn is { } ver)
            columns.Add(ver);
        columns.AddRange(request.AdditionalColumns);
        var reader = TableReaders.Open(request.Input, new TableReaderOptions { Columns = columns });
        try
        {
            int fixedColumns = columns.Count - request.AdditionalColumns.Count;
            var fileTypes = request.AdditionalColumns.Select((a, i) => (reader.Schema.Columns[fixedColumns + i].Name, reader.Schema.Columns[fixedColumns + i].Type switch
            {
                ColumnType.Int64 => MetadataColumnType.Int64,
                ColumnType.Double => MetadataColumnType.Double,
                _ => MetadataColumnType.Text,
            })).ToList();
            return (FromFile(reader, request.CaptionColumn is not null, request.VerifyHashColumn is not null, fileTypes), reader.RowCount, fileTypes, reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static ColumnInfo Column(TableInfo table, string name, string option) =>
        table.FindColumn(name)
        ?? throw new UserErrorException($"{option}: table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");

    private static IEnumerable<SourceRow> FromDataset(Dataset dataset, TableQuery query, string url, string? caption, string? verify,
        IReadOnlyList<string> extra, IReadOnlyList<(string Name, MetadataColumnType Type)> types)
    {
        var rows = dataset.StreamRows(query, out var names);
        int rowid = IndexOf(names, "rowid"), u = IndexOf(names, url), c = caption is null ? -1 : IndexOf(names, caption);
        int h = verify is null ? -1 : IndexOf(names, verify);
        int[] e = [.. extra.Select(x => IndexOf(names, x))];
        foreach (var row in rows)
        {
            yield return new SourceRow((long)row[rowid]!, Text(row[u]), c < 0 ? null : Text(row[c]))
            {
                ExpectedHash = h < 0 ? null : Text(row[h]),
                Extra = e.Length == 0 ? null : [.. e.Select((k, i) => Typed(row[k], types[i].Type))],
            };
        }
    }

    private static IEnumerable<SourceRow> FromFile(ITableReader reader, bool withCaption, bool withHash, IReadOnlyList<(string Name, MetadataColumnType Type)> types)
    {
        var batch = new ColumnBatch(reader.Schema.Count);
        long position = 0;
        int first = 1 + (withCaption ? 1 : 0) + (withHash ? 1 : 0);
        while (reader.ReadBatch(batch, 1024))
        {
            for (int i = 0; i < batch.RowCount; i++)
            {
                object?[]? extra = null;
                if (types.Count > 0)
                {
                    extra = new object?[types.Count];
                    for (int k = 0; k < types.Count; k++)
                        extra[k] = Typed(batch[first + k].ValueAt(i), types[k].Type);
                }
                yield return new SourceRow(position++, Text(batch[0].ValueAt(i)), withCaption ? Text(batch[1].ValueAt(i)) : null)
                {
                    ExpectedHash = withHash ? Text(batch[withCaption ? 2 : 1].ValueAt(i)) : null,
                    Extra = extra,
                };
            }
        }
    }

    /// <summary>A value as its Parquet column holds it (integers as long, reals as double, anything else as text).</summary>
    private static object? Typed(object? value, MetadataColumnType type) => (value, type) switch
    {
        (null, _) => null,
        (long l, MetadataColumnType.Int64) => l,
        (int i, MetadataColumnType.Int64) => (long)i,
        (double d, MetadataColumnType.Double) => d,
        (long l, MetadataColumnType.Double) => (double)l,
        _ => Text(value),
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        byte[] => null,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        throw new InvalidOperationException($"column '{name}' missing from the result");
    }
}
