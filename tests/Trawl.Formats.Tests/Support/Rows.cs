using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Support;

/// <summary>Reads a whole table into .NET values, for assertions.</summary>
public static class Rows
{
    public sealed record Table(string[] Columns, List<object?[]> Rows, List<long> Lines, List<long> FirstRows);

    public static Table ReadAll(ITableReader reader, int maxRows = 1000)
    {
        var columns = reader.Schema.Columns.Select(c => c.Name).ToArray();
        var batch = new ColumnBatch(columns.Length, capacity: 4);
        var rows = new List<object?[]>();
        var lines = new List<long>();
        var firstRows = new List<long>();
        while (reader.ReadBatch(batch, maxRows))
        {
            Assert.InRange(batch.RowCount, 1, maxRows);
            firstRows.Add(batch.FirstRow);
            foreach (var column in batch.Columns)
                Assert.Equal(batch.RowCount, column.Count);
            for (int r = 0; r < batch.RowCount; r++)
                rows.Add(batch.Columns.Select(c => c.ValueAt(r)).ToArray());
            lines.AddRange(batch.SourceLines);
        }
        Assert.Equal(0, batch.RowCount);
        return new Table(columns, rows, lines, firstRows);
    }

    public static Table ReadAll(string path, TableReaderOptions? options = null, int maxRows = 1000)
    {
        using var reader = TableReaders.Open(path, options);
        return ReadAll(reader, maxRows);
    }
}
