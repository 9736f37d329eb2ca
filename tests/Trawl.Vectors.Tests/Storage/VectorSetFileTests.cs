using System.Buffers.Binary;
using Trawl.Vectors.Search;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Tests.Storage;

public sealed class VectorSetFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-vectors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFloat32Set(string name, float[] data, int dim, int batch = 3)
    {
        string path = Path.Combine(_dir, name);
        using var writer = VectorSetWriter.Create(path, VectorElementType.Float32, dim, VectorMetric.Cosine);
        for (int start = 0; start < data.Length; start += batch * dim)
            writer.Append(data.AsSpan(start, Math.Min(batch * dim, data.Length - start)));
        writer.Complete();
        return path;
    }

    [Fact]
    public void Float32_set_written_in_batches_reads_back_the_same_rows_and_header()
    {
        float[] data = TestData.Floats(new Random(1), 10 * 5);
        string path = WriteFloat32Set("a.f32", data, 5);
        using VectorSetFile file = VectorSetFile.Open(path);
        Assert.Equal(VectorElementType.Float32, file.Header.ElementType);
        Assert.Equal(VectorMetric.Cosine, file.Header.MetricHint);
        Assert.Equal(5, file.Header.Dimension);
        Assert.Equal(10, file.Header.Count);
        Assert.Equal(64 + 10 * 5 * 4, new FileInfo(path).Length);
        var row = new float[5];
        for (int r = 0; r < 10; r++)
        {
            file.Matrix.CopyRowTo(r, row);
            Assert.Equal(data.AsSpan(r * 5, 5).ToArray(), row);
        }
        file.VerifyChecksum();
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Float16_int8_and_bit_sets_round_trip()
    {
        var random = new Random(2);
        float[] floats = TestData.Floats(random, 7 * 3);
        string f16 = Path.Combine(_dir, "b.f16");
        using (var writer = VectorSetWriter.Create(f16, VectorElementType.Float16, 3))
        {
            writer.Append(floats.AsSpan(0, 9));
            writer.Append(TestData.ToHalves(floats[9..]));
            writer.Complete();
        }
        using (VectorSetFile file = VectorSetFile.Open(f16))
        {
            Assert.Null(file.Header.MetricHint);
            var row = new float[3];
            file.Matrix.CopyRowTo(6, row);
            Assert.Equal(floats[18..].Select(v => (float)(Half)v), row);
            file.VerifyChecksum();
        }

        sbyte[] bytes = TestData.Int8s(random, 4 * 6);
        string i8 = Path.Combine(_dir, "c.i8");
        using (var writer = VectorSetWriter.Create(i8, VectorElementType.Int8, 6))
        {
            writer.Append(bytes);
            writer.Complete();
        }
        using (VectorSetFile file = VectorSetFile.Open(i8))
            Assert.Equal(bytes.AsSpan(18, 6).ToArray().Select(b => (byte)b), file.Matrix.RowBytesOf(3).ToArray());

        ulong[] words = TestData.Words(random, 3 * 2);
        string bits = Path.Combine(_dir, "d.bits");
        using (var writer = VectorSetWriter.Create(bits, VectorElementType.Bits, 128, VectorMetric.Hamming))
        {
            writer.Append(words);
            writer.Complete();
        }
        using (VectorSetFile file = VectorSetFile.Open(bits))
        {
            Assert.Equal(3, file.Header.Count);
            SearchResult result = ExactSearch.Create(file.Matrix, VectorMetric.Hamming).Search(words.AsSpan(2, 2), 1);
            Assert.Equal(1, result.Ids[0]);
        }
    }

    [Fact]
    public void Search_over_a_mapped_file_equals_search_over_memory()
    {
        var random = new Random(3);
        float[] data = TestData.Floats(random, 500 * 24);
        float[] query = TestData.Floats(random, 24);
        string path = WriteFloat32Set("e.f32", data, 24, batch: 64);
        using VectorSetFile file = VectorSetFile.Open(path);
        SearchResult fromFile = ExactSearch.Create(file.Matrix, VectorMetric.L2).Search(query, 10);
        SearchResult fromMemory = ExactSearch.Create(VectorMatrix.FromFloat32(data, 24), VectorMetric.L2).Search(query, 10);
        Assert.Equal(fromMemory.Ids, fromFile.Ids);
        Assert.Equal(fromMemory.Scores, fromFile.Scores);
    }

    [Fact]
    public void Completing_a_set_replaces_an_older_file_of_the_same_name()
    {
        string path = WriteFloat32Set("p.f32", [1f, 2f], 2);
        WriteFloat32Set("p.f32", [3f, 4f, 5f, 6f], 2);
        using VectorSetFile file = VectorSetFile.Open(path);
        Assert.Equal(2, file.Header.Count);
        file.VerifyChecksum();
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Writer_disposed_without_completing_leaves_no_file()
    {
        string path = Path.Combine(_dir, "f.f32");
        using (var writer = VectorSetWriter.Create(path, VectorElementType.Float32, 2))
            writer.Append([1f, 2f]);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Writer_rejects_partial_rows_wrong_types_and_values_outside_float16()
    {
        using var writer = VectorSetWriter.Create(Path.Combine(_dir, "g.f16"), VectorElementType.Float16, 2);
        Assert.Throws<ArgumentException>(() => writer.Append([1f, 2f, 3f]));
        Assert.Throws<InvalidOperationException>(() => writer.Append(new sbyte[] { 1, 2 }));
        var error = Assert.Throws<ArgumentException>(() => writer.Append([1f, 2f, 3f, 70000f]));
        Assert.Contains("row 1 component 1", error.Message);
        Assert.Throws<ArgumentException>(() => writer.Append([float.NaN, 0f]));
    }

    [Fact]
    public void Truncated_file_is_reported_with_its_name()
    {
        string path = WriteFloat32Set("h.f32", TestData.Floats(new Random(4), 10 * 4), 4);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 5);
        var error = Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path));
        Assert.Contains("h.f32", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void File_shorter_than_the_header_is_reported()
    {
        string path = Path.Combine(_dir, "i.f32");
        File.WriteAllBytes(path, "TRWLVEC1"u8.ToArray());
        var error = Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path));
        Assert.Contains("shorter than the 64-byte", error.Message);
    }

    [Fact]
    public void File_of_another_kind_is_reported()
    {
        string path = Path.Combine(_dir, "j.f32");
        File.WriteAllBytes(path, new byte[100]);
        Assert.Contains("not a Trawl vector set", Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path)).Message);
    }

    [Fact]
    public void Corrupted_header_byte_fails_the_header_checksum()
    {
        string path = WriteFloat32Set("k.f32", TestData.Floats(new Random(5), 4 * 4), 4);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[16] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("header checksum", Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path)).Message);
    }

    [Theory]
    [InlineData(16, 5L, "truncated")] // more rows than the data holds
    [InlineData(16, 3L, "bytes of data follow")] // fewer rows than the data holds
    [InlineData(32, 12L, "row size")]
    [InlineData(24, 128L, "data offset")]
    public void Header_that_lies_with_a_valid_checksum_is_reported(int offset, long value, string expected)
    {
        string path = WriteFloat32Set("l.f32", TestData.Floats(new Random(6), 4 * 4), 4);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(56), Hash64.Of(bytes.AsSpan(0, 56)));
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path));
        Assert.Contains(expected, error.Message);
        Assert.Contains("l.f32", error.Message);
    }

    [Theory]
    [InlineData(8, 2, "version 2")]
    [InlineData(10, 9, "element type")]
    [InlineData(12, 0, "dimension 0")]
    public void Header_with_an_unknown_version_type_or_dimension_is_reported(int offset, byte value, string expected)
    {
        string path = WriteFloat32Set("m.f32", TestData.Floats(new Random(7), 4 * 4), 4);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] = value;
        if (offset == 12) bytes[13] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(56), Hash64.Of(bytes.AsSpan(0, 56)));
        File.WriteAllBytes(path, bytes);
        Assert.Contains(expected, Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path)).Message);
    }

    [Fact]
    public void Corrupted_data_fails_checksum_verification()
    {
        string path = WriteFloat32Set("n.f32", TestData.Floats(new Random(8), 40 * 4), 4);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[64 + 333] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        using VectorSetFile file = VectorSetFile.Open(path);
        Assert.Contains("data checksum", Assert.Throws<VectorFormatException>(file.VerifyChecksum).Message);
    }

    [Fact]
    public void Streaming_hash_does_not_depend_on_how_the_data_is_split()
    {
        byte[] data = new byte[1000];
        new Random(9).NextBytes(data);
        ulong whole = Hash64.Of(data);
        foreach (int step in new[] { 1, 7, 31, 32, 33, 500 })
        {
            var hash = new Hash64();
            for (int i = 0; i < data.Length; i += step) hash.Append(data.AsSpan(i, Math.Min(step, data.Length - i)));
            Assert.Equal(whole, hash.Digest());
        }
        data[999] ^= 1;
        Assert.NotEqual(whole, Hash64.Of(data));
    }

    [Fact]
    public void Empty_set_opens_with_no_rows()
    {
        string path = Path.Combine(_dir, "o.f32");
        using (var writer = VectorSetWriter.Create(path, VectorElementType.Float32, 8)) writer.Complete();
        using VectorSetFile file = VectorSetFile.Open(path);
        Assert.Equal(0, file.Matrix.Rows);
        file.VerifyChecksum();
        Assert.Equal(0, ExactSearch.Create(file.Matrix, VectorMetric.InnerProduct).Search(new float[8].Select(_ => 1f).ToArray(), 3).Count);
    }
}
