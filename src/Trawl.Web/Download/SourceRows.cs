using Trawl.Formats.Tables;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Web.Download;

/// <summary>The rows to download, streamed: from a dataset's table (key = rowid) or any file Trawl reads (key = position).</summary>
internal static class SourceRows
{
    /// <summary>The rows and, when known, how many there are.</summary>
    public static (IEnumerable<SourceRow> Rows, long? Count, IDisposable Owner) Open(DownloadRequest request)
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
                string url = Column(table, request.UrlColumn, "--url-column");
                string? caption = request.CaptionColumn is { } c ? Column(table, c, "--caption-column") : null;
                var query = new TableQuery { Table = table.Name };
                long count = dataset.CountRows(query);
                return (FromDataset(dataset, query, url, caption), count, dataset);
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
        var reader = TableReaders.Open(request.Input, new TableReaderOptions { Columns = columns });
        return (FromFile(reader, request.CaptionColumn is not null), reader.RowCount, reader);
    }

    private static string Column(TableInfo table, string name, string option) =>
        table.FindColumn(name)?.Name
        ?? throw new UserErrorException($"{option}: table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");

    private static IEnumerable<SourceRow> FromDataset(Dataset dataset, TableQuery query, string url, string? caption)
    {
        var rows = dataset.StreamRows(query, out var names);
        int rowid = IndexOf(names, "rowid"), u = IndexOf(names, url), c = caption is null ? -1 : IndexOf(names, caption);
        foreach (var row in rows)
            yield return new SourceRow((long)row[rowid]!, Text(row[u]), c < 0 ? null : Text(row[c]));
    }

    private static IEnumerable<SourceRow> FromFile(ITableReader reader, bool withCaption)
    {
        var batch = new ColumnBatch(reader.Schema.Count);
        long position = 0;
        while (reader.ReadBatch(batch, 1024))
        {
            for (int i = 0; i < batch.RowCount; i++)
                yield return new SourceRow(position++, Text(batch[0].ValueAt(i)), withCaption ? Text(batch[1].ValueAt(i)) : null);
        }
    }

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
