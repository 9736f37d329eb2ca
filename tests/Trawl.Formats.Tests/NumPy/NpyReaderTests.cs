using System.Text;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.NumPy;

public sealed class NpyReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-npyreader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<object?> ReadAll(string path, int batchRows)
    {
        using var reader = TableReaders.Open(path);
        var batch = new ColumnBatch(reader.Schema.Count, batchRows);
        var values = new List<object?>();
        while (reader.ReadBatch(batch, batchRows))
        {
            for (int r = 0; r < batch.RowCount; r++)
                values.Add(batch[0].KindAt(r) == ValueKind.Json ? Encoding.UTF8.GetString(batch[0].BytesAt(r)) : batch[0].ValueAt(r));
        }
        return values;
    }

    [Fact]
    public void Matrix_rows_read_as_json_arrays_that_round_trip_the_floats()
    {
        var data = new float[] { 0.1f, -2.5f, 1e-8f, 3.4028235e38f, float.NaN, 7f };
        string path = Path.Combine(_dir, "m.npy");
        NpyFile.Write<float>(path, data, 3, 2);
        var rows = ReadAll(path, batchRows: 2);
        Assert.Equal(3, rows.Count);
        using (var reader = TableReaders.Open(path))
            Assert.Equal(["vector"], reader.Schema.Columns.Select(c => c.Name));
        var parsed = rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<float?[]>((string)r!)!).ToList();
        Assert.Equal([0.1f, -2.5f], parsed[0]);
        Assert.Equal([1e-8f, 3.4028235e38f], parsed[1]);
        Assert.Equal([null, 7f], parsed[2]);
    }

    [Fact]
    public void One_dimensional_array_reads_as_a_value_column()
    {
        string path = Path.Combine(_dir, "v.npy");
        NpyFile.Write<long>(path, [5L, -1L, 9L], 3);
        Assert.Equal([5L, -1L, 9L], ReadAll(path, batchRows: 10));
    }

    [Fact]
    public void Truncated_npy_is_an_error_naming_the_file()
    {
        string path = Path.Combine(_dir, "t.npy");
        NpyFile.Write<float>(path, new float[20], 5, 4);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var e = Assert.Throws<DataFormatException>(() => TableReaders.Open(path));
        Assert.Contains("t.npy", e.Message);
    }
}
