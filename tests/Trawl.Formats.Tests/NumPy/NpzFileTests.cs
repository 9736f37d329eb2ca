using System.IO.Compression;
using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;
using Xunit.Abstractions;

namespace Trawl.Formats.Tests.NumPy;

public sealed class NpzFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-npz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>An .npz like numpy.savez (stored) or savez_compressed (deflated) writes: members NAME.npy.</summary>
    private string Npz(string name, CompressionLevel level, params (string Member, float[] Data, long Rows, long Cols)[] arrays)
    {
        string path = Path(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (member, data, rows, cols) in arrays)
        {
            string npy = Path(member + ".npy");
            NpyFile.Write<float>(npy, data, rows, cols);
            zip.CreateEntryFromFile(npy, member + ".npy", level);
            File.Delete(npy);
        }
        return path;
    }

    private static float[] Sequence(int n, float scale) => Enumerable.Range(0, n).Select(i => i * scale).ToArray();

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Members_are_listed_in_order_and_read_back(CompressionLevel level)
    {
        string npz = Npz("a.npz", level, ("arr_0", Sequence(12, 1), 3, 4), ("emb", Sequence(10, 0.5f), 5, 2));
        using var file = NpzFile.Open(npz);
        Assert.Equal(["arr_0", "emb"], file.Members);
        using var emb = file.ExtractMember("emb", Path("emb.tmp"));
        Assert.Equal([5L, 2L], emb.Shape);
        Assert.Equal(Sequence(10, 0.5f).AsSpan(4, 2).ToArray(), MemoryMarshal.Cast<byte, float>(emb.RowBytes(2)).ToArray());
        using var first = file.ExtractMember("arr_0.npy", Path("a0.tmp"));
        Assert.Equal([3L, 4L], first.Shape);
    }

    [Fact]
    public void Unknown_member_is_an_error_listing_the_members()
    {
        string npz = Npz("b.npz", CompressionLevel.NoCompression, ("x", Sequence(4, 1), 2, 2));
        using var file = NpzFile.Open(npz);
        var e = Assert.Throws<DataFormatException>(() => file.ExtractMember("y", Path("y.tmp")));
        Assert.Contains("'y'", e.Message);
        Assert.Contains("x", e.Message);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Truncated_archive_is_an_error_naming_the_file(CompressionLevel level)
    {
        string npz = Npz("c.npz", level, ("x", Sequence(4000, 1), 1000, 4));
        byte[] bytes = File.ReadAllBytes(npz);
        foreach (int keep in new[] { 0, 10, bytes.Length / 2, bytes.Length - 30 })
        {
            string cut = Path($"cut{keep}.npz");
            File.WriteAllBytes(cut, bytes[..keep]);
            var e = Assert.ThrowsAny<DataFormatException>(() =>
            {
                using var file = NpzFile.Open(cut);
                using var npy = file.ExtractMember(file.Members[0], Path($"cut{keep}.tmp"));
            });
            output.WriteLine(e.Message);
            Assert.Contains($"cut{keep}.npz", e.Message);
        }
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Corrupted_member_data_is_an_error_naming_the_file_and_member(CompressionLevel level)
    {
        string npz = Npz("d.npz", level, ("emb", Sequence(4000, 1), 1000, 4));
        byte[] bytes = File.ReadAllBytes(npz);
        // Flip bytes inside the member's data (after the 30-byte local header, its name and the .npy header).
        for (int i = 300; i < 340; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(npz, bytes);
        var e = Assert.ThrowsAny<DataFormatException>(() =>
        {
            using var file = NpzFile.Open(npz);
            using var npy = file.ExtractMember("emb", Path("d.tmp"));
        });
        output.WriteLine(e.Message);
        Assert.Contains("d.npz", e.Message);
        Assert.Contains("emb", e.Message);
    }

    [Fact]
    public void A_member_that_is_not_npy_is_an_error_naming_archive_and_member()
    {
        string path = Path("e.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("notes.npy").Open());
            w.Write("hello, this is not an array");
        }
        using var file = NpzFile.Open(path);
        var e = Assert.Throws<DataFormatException>(() => file.ExtractMember("notes", Path("e.tmp")));
        output.WriteLine(e.Message);
        Assert.Contains("e.npz", e.Message);
        Assert.Contains("notes", e.Message);
    }
}
