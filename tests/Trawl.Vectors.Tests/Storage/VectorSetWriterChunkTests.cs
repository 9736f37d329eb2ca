using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Tests.Storage;

public sealed class VectorSetWriterChunkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-writer-chunks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(24, 800)]    // 4096 is not a multiple of 24: float rows converted to f16 in chunks must stay whole
    [InlineData(768, 50)]
    [InlineData(5000, 3)]    // a row longer than the stack buffer
    public void Float_rows_appended_to_an_f16_set_are_all_counted_and_kept(int dimension, int rows)
    {
        var rng = new Random(dimension);
        var data = Enumerable.Range(0, dimension * rows).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        string path = Path.Combine(_dir, $"s{dimension}.f16");
        using (var writer = VectorSetWriter.Create(path, VectorElementType.Float16, dimension))
        {
            writer.Append(data);
            Assert.Equal(rows, writer.Count);
            writer.Complete();
        }
        using var file = VectorSetFile.Open(path);
        Assert.Equal(rows, file.Header.Count);
        var row = new float[dimension];
        file.Matrix.CopyRowTo(rows - 1, row);
        Assert.Equal(data.AsSpan((rows - 1) * dimension).ToArray().Select(v => (float)(Half)v), row);
    }
}
