using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;
using Trawl.Testing;

namespace Trawl.Formats.Tests.NumPy;

public sealed class NpyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A .npy file built by hand: magic, version, header length, the dict padded to 64 bytes, then data.</summary>
    private string Craft(string name, string dict, byte[] data, int major = 1, int align = 64)
    {
        int prefix = major == 1 ? 10 : 12;
        byte[] dictBytes = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        int total = (prefix + dictBytes.Length + 1 + align - 1) / align * align;
        var bytes = new byte[total + data.Length];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(total - prefix));
        bytes.AsSpan(prefix, total - prefix).Fill((byte)' ');
        dictBytes.CopyTo(bytes, prefix);
        bytes[total - 1] = (byte)'\n';
        data.CopyTo(bytes, total);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Floats(params float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void Written_float32_matrix_reads_back_with_shape_type_and_rows()
    {
        string path = Path.Combine(_dir, "a.npy");
        float[] data = Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray();
        NpyFile.Write<float>(path, data, 3, 4);
        using NpyFile file = NpyFile.Open(path);
        Assert.Equal(NpyFile.ElementType.Float32, file.Type);
        Assert.Equal(new long[] { 3, 4 }, file.Shape);
        Assert.Equal(3, file.Rows);
        Assert.Equal(4, file.Columns);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(MemoryMarshal.AsBytes(data.AsSpan(8, 4)).ToArray(), file.RowBytes(2).ToArray());
    }

    [Theory]
    [InlineData(NpyFile.ElementType.Float16)]
    [InlineData(NpyFile.ElementType.Float64)]
    [InlineData(NpyFile.ElementType.Int8)]
    [InlineData(NpyFile.ElementType.UInt8)]
    [InlineData(NpyFile.ElementType.Int32)]
    [InlineData(NpyFile.ElementType.Int64)]
    public void Every_supported_element_type_round_trips(NpyFile.ElementType type)
    {
        string path = Path.Combine(_dir, $"{type}.npy");
        var bytes = new byte[5 * 2 * NpyFile.SizeOf(type)];
        new Random((int)type).NextBytes(bytes);
        NpyFile.Write(path, type, [5, 2], bytes);
        using NpyFile file = NpyFile.Open(path);
        Assert.Equal(type, file.Type);
        Assert.Equal(10, file.ElementCount);
        unsafe { Assert.Equal(bytes, new ReadOnlySpan<byte>((void*)file.DataAddress, bytes.Length).ToArray()); }
    }

    [Fact]
    public void Header_as_numpy_writes_it_with_16_byte_alignment_is_read()
    {
        string path = Craft("b.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }", Floats(1, 2), align: 16);
        using NpyFile file = NpyFile.Open(path);
        Assert.Equal(new long[] { 2, 1 }, file.Shape);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Version_2_and_3_headers_are_read(int major)
    {
        string path = Craft($"v{major}.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", Floats(1, 2, 3), major);
        using NpyFile file = NpyFile.Open(path);
        Assert.Equal(major, file.Version);
        Assert.Equal(3, file.Rows);
        Assert.Equal(1, file.Columns);
    }

    [Fact]
    public void Zero_dimensional_and_empty_arrays_are_read()
    {
        using (NpyFile scalar = NpyFile.Open(Craft("c.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Floats(7))))
            Assert.Equal(1, scalar.ElementCount);
        using NpyFile empty = NpyFile.Open(Craft("d.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (0, 768), }", []));
        Assert.Equal(0, empty.Rows);
        Assert.Equal(768, empty.Columns);
    }

    [Fact]
    public void Fortran_order_is_refused_with_a_hint()
    {
        string path = Craft("e.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", Floats(1, 2));
        var error = Assert.Throws<DataFormatException>(() => NpyFile.Open(path));
        Assert.Contains("Fortran", error.Message);
        Assert.Contains("e.npy", error.Message);
    }

    [Theory]
    [InlineData(">f4", "big-endian")]
    [InlineData("<c8", "not supported")]
    [InlineData("|O", "not supported")]
    public void Unsupported_element_types_are_refused(string descr, string expected)
    {
        string path = Craft("f.npy", $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[16]);
        Assert.Contains(expected, Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
    }

    [Fact]
    public void Truncated_data_is_reported_with_the_byte_offset()
    {
        string path = Craft("g.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", Floats(1, 2, 3, 4, 5, 6, 7));
        var error = Assert.Throws<DataFormatException>(() => NpyFile.Open(path));
        Assert.Contains("truncated", error.Message);
        Assert.Equal(128, error.ByteOffset); // where the data starts: 10 + 60-character dict + newline, padded to 64
    }

    [Fact]
    public void Extra_bytes_after_the_array_are_reported()
    {
        string path = Craft("h.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats(1, 2));
        Assert.Contains("4 more", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
    }

    [Fact]
    public void Shape_whose_size_overflows_is_reported_not_allocated()
    {
        string path = Craft("i.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 9223372036854775807, 4), }", Floats(1));
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
    }

    [Fact]
    public void Header_longer_than_the_file_is_reported()
    {
        string path = Path.Combine(_dir, "j.npy");
        byte[] bytes = File.ReadAllBytes(Craft("j0.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats(1)));
        File.WriteAllBytes(path, bytes[..40]);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "non-negative integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "non-negative integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", "True or False")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", "expected")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "repeats")]
    [InlineData("['descr']", "expected '{'")]
    public void Malformed_headers_are_reported(string dict, string expected)
    {
        string path = Craft("k.npy", dict, Floats(1, 2));
        var error = Assert.Throws<DataFormatException>(() => NpyFile.Open(path));
        Assert.Contains(expected, error.Message);
        Assert.NotNull(error.ByteOffset);
    }

    [Fact]
    public void Wrong_magic_version_and_tiny_files_are_reported()
    {
        string path = Path.Combine(_dir, "l.npy");
        File.WriteAllBytes(path, "PK\x03\x04 not numpy"u8.ToArray());
        Assert.Contains("not a .npy", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
        byte[] v4 = File.ReadAllBytes(Craft("m.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats(1)));
        v4[6] = 4;
        File.WriteAllBytes(path, v4);
        Assert.Contains("version 4", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
        File.WriteAllBytes(path, [0x93, (byte)'N', (byte)'U', (byte)'M']);
        Assert.Contains("too short", Assert.Throws<DataFormatException>(() => NpyFile.Open(path)).Message);
    }

    [SkippableFact]
    public void Real_clip_retrieval_float16_embeddings_are_read()
    {
        string path = Requirements.SharedData("clip-retrieval-fashion9/embeddings/img_emb/img_emb_0.npy");
        using NpyFile file = NpyFile.Open(path);
        Assert.Equal(NpyFile.ElementType.Float16, file.Type);
        Assert.Equal(9, file.Rows);
        Assert.Equal(512, file.Columns);
        // CLIP embeddings as clip-retrieval saves them are unit length.
        ReadOnlySpan<Half> row = MemoryMarshal.Cast<byte, Half>(file.RowBytes(4));
        double squared = 0;
        foreach (Half h in row) squared += (double)h * (double)h;
        Assert.InRange(squared, 0.99, 1.01);
    }
}
