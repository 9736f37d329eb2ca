using System.Diagnostics;
using System.Text;
using SharpCompress.Compressors.BZip2;
using Trawl.Formats.Compression;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;
using Trawl.Testing;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Trawl.Formats.Tests.Compression;

public sealed class CompressedInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Jsonl(int rows, int from = 0)
    {
        var text = new StringBuilder();
        for (int i = from; i < from + rows; i++)
            text.Append("{\"id\":").Append(i).Append(",\"text\":\"document ").Append(i).Append(" with some words\"}\n");
        return text.ToString();
    }

    private static byte[] Zstd(string text, bool checksum = false, int level = 3)
    {
        using var c = new Compressor(level);
        if (checksum)
            c.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return c.Wrap(Encoding.UTF8.GetBytes(text)).ToArray();
    }

    /// <summary>A streamed frame: no content size in its header, several blocks.</summary>
    private static byte[] ZstdStreamed(string text)
    {
        var output = new MemoryStream();
        using (var z = new CompressionStream(output, 3, leaveOpen: true))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            for (int i = 0; i < bytes.Length; i += 1000)
                z.Write(bytes, i, Math.Min(1000, bytes.Length - i));
        }
        return output.ToArray();
    }

    [Fact]
    public void Zstd_jsonl_reads_like_the_plain_file()
    {
        string text = Jsonl(2000);
        var plain = Rows.ReadAll(_files.Write("a.jsonl", text));
        Assert.Equal(plain.Rows, Rows.ReadAll(_files.Write("a.jsonl.zst", Zstd(text))).Rows);
        Assert.Equal(plain.Rows, Rows.ReadAll(_files.Write("b.jsonl.zst", ZstdStreamed(text))).Rows);
    }

    [Fact]
    public void Zstd_multi_frame_file_with_and_without_content_size_is_read_whole()
    {
        byte[] bytes = [.. Zstd(Jsonl(100, 0)), .. ZstdStreamed(Jsonl(100, 100)), .. Zstd(Jsonl(100, 200), checksum: true)];
        var t = Rows.ReadAll(_files.Write("multi.jsonl.zst", bytes));
        Assert.Equal(300, t.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (object?)(long)i), t.Rows.Select(r => r[0]));
    }

    [Fact]
    public void Zstd_is_detected_by_content_and_the_format_by_the_inner_extension_or_sniffing()
    {
        Assert.Equal(3, Rows.ReadAll(_files.Write("data.csv.zst", Zstd("a,b\n1,2\n3,4\n5,6\n"))).Rows.Count);
        // No extension at all: zstd by its magic bytes, JSON Lines by its first byte.
        Assert.Equal(5, Rows.ReadAll(_files.Write("part-00000", Zstd(Jsonl(5)))).Rows.Count);
        Assert.Equal(5, Rows.ReadAll(_files.Write("part-00001.jsonl", Zstd(Jsonl(5)))).Rows.Count);
    }

    [Fact]
    public void Truncated_zstd_frame_is_an_error_naming_the_file()
    {
        byte[] whole = Zstd(Jsonl(3000));
        foreach (int keep in new[] { 3, 8, whole.Length / 2, whole.Length - 1 })
        {
            string path = _files.Write($"cut{keep}.jsonl.zst", whole[..keep]);
            var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
            Assert.Contains(path, e.Message);
        }
        var last = Assert.Throws<DataFormatException>(() => Rows.ReadAll(_files.Folder + $"/cut{whole.Length / 2}.jsonl.zst"));
        Assert.Contains("truncated", last.Message);
    }

    [Fact]
    public void Corrupt_zstd_checksum_is_an_error()
    {
        byte[] bytes = Zstd(Jsonl(500), checksum: true);
        bytes[^1] ^= 0x5A;
        string path = _files.Write("sum.jsonl.zst", bytes);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains("checksum", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Zstd_frame_declaring_a_huge_window_is_refused_before_allocating()
    {
        // Frame header: magic, descriptor (no single segment, no checksum, no content size), window
        // descriptor with exponent 21 → 2^31 bytes; then one raw last block of 2 bytes.
        byte[] frame = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 21 << 3, 0x11, 0x00, 0x00, (byte)'{', (byte)'}'];
        string path = _files.Write("huge.jsonl.zst", frame);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains("window", e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 256L << 20, "the window must not be allocated");
    }

    [Fact]
    public void Zstd_window_within_the_limit_is_read()
    {
        // The same raw block under a 1 MB window (exponent 10).
        byte[] frame = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 10 << 3, 0x11, 0x00, 0x00, (byte)'{', (byte)'}'];
        Assert.Single(Rows.ReadAll(_files.Write("small.jsonl.zst", frame)).Rows);
    }

    [Theory]
    [InlineData("plain.jsonl.zst", CompressionKind.None)]
    [InlineData("plain.jsonl.gz", CompressionKind.None)]
    [InlineData("gz.jsonl.zst", CompressionKind.Gzip)]
    [InlineData("zst.jsonl.bz2", CompressionKind.Zstd)]
    [InlineData("zst.jsonl.xz", CompressionKind.Zstd)]
    public void A_name_promising_a_compression_the_data_lacks_is_an_error(string name, CompressionKind actual)
    {
        string text = Jsonl(3);
        byte[] bytes = actual switch
        {
            CompressionKind.Gzip => TempFiles.Gzip(Encoding.UTF8.GetBytes(text)),
            CompressionKind.Zstd => Zstd(text),
            _ => Encoding.UTF8.GetBytes(text),
        };
        string path = _files.Write(name, bytes);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("the name says", e.Message);
    }

    [Fact]
    public void Bzip2_multi_stream_file_is_read()
    {
        var output = new MemoryStream();
        foreach (string part in new[] { Jsonl(50, 0), Jsonl(50, 50) })
        {
            var member = new MemoryStream();
            using (var bz = BZip2Stream.Create(member, SharpCompress.Compressors.CompressionMode.Compress, decompressConcatenated: false, leaveOpen: true, tolerateTruncatedStream: false))
                bz.Write(Encoding.UTF8.GetBytes(part));
            output.Write(member.ToArray());
        }
        var t = Rows.ReadAll(_files.Write("a.jsonl.bz2", output.ToArray()));
        Assert.Equal(100, t.Rows.Count);
        Assert.Equal(99L, t.Rows[^1][0]);
    }

    [SkippableFact]
    public void Xz_file_from_the_xz_tool_is_read_and_truncation_is_an_error()
    {
        string xz = Requirements.Executable("xz", "apt-get install xz-utils");
        string path = _files.Write("a.jsonl", Jsonl(400));
        using (var p = Process.Start(new ProcessStartInfo(xz, ["-k", path]) { RedirectStandardError = true })!)
        {
            Assert.True(p.WaitForExit(60_000));
            Assert.Equal(0, p.ExitCode);
        }
        Assert.Equal(400, Rows.ReadAll(path + ".xz").Rows.Count);
        byte[] whole = File.ReadAllBytes(path + ".xz");
        string cut = _files.Write("cut.jsonl.xz", whole[..(whole.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(cut));
        Assert.Contains(cut, e.Message);
    }

    [SkippableFact]
    public void Zstd_tool_multi_frame_output_is_read()
    {
        string zstd = Requirements.Executable("zstd", "apt-get install zstd");
        string a = _files.Write("a.jsonl", Jsonl(300, 0)), b = _files.Write("b.jsonl", Jsonl(300, 300));
        foreach (string f in new[] { a, b })
        {
            using var p = Process.Start(new ProcessStartInfo(zstd, ["-q", "-k", "--no-check", f]) { RedirectStandardError = true })!;
            Assert.True(p.WaitForExit(60_000));
            Assert.Equal(0, p.ExitCode);
        }
        string both = _files.Write("ab.jsonl.zst", [.. File.ReadAllBytes(a + ".zst"), .. File.ReadAllBytes(b + ".zst")]);
        var t = Rows.ReadAll(both);
        Assert.Equal(600, t.Rows.Count);
        Assert.Equal(599L, t.Rows[^1][0]);
    }

    [Fact]
    public void Magic_bytes_tell_each_compression()
    {
        Assert.Equal(CompressionKind.Gzip, CompressionDetector.FromMagic([0x1F, 0x8B, 8, 0]));
        Assert.Equal(CompressionKind.Zstd, CompressionDetector.FromMagic([0x28, 0xB5, 0x2F, 0xFD]));
        Assert.Equal(CompressionKind.Zstd, CompressionDetector.FromMagic([0x5E, 0x2A, 0x4D, 0x18]));
        Assert.Equal(CompressionKind.Bzip2, CompressionDetector.FromMagic("BZh9"u8));
        Assert.Equal(CompressionKind.Xz, CompressionDetector.FromMagic([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]));
        Assert.Equal(CompressionKind.None, CompressionDetector.FromMagic("BZh0"u8));
        Assert.Equal(CompressionKind.None, CompressionDetector.FromMagic("{\"a\""u8));
        Assert.Equal("x.jsonl", CompressionDetector.NameWithoutCompression("/d/x.jsonl.zst"));
    }
}
