using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Images.Exif;
using Trawl.Testing;

namespace Trawl.Formats.Tests.Images;

/// <summary>
/// EXIF as img2dataset records it. The oracle is exifread itself (Debian python3-exifread) run the way img2dataset runs
/// it: <c>json.dumps({k: str(v).strip() for k, v in exifread.process_file(f, details=False).items()})</c>, or null when
/// it raises. The same files go through both, including every truncation and seeded corruptions.
/// </summary>
public sealed class ExifReaderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trawl-exif-" + Guid.NewGuid().ToString("N")[..10]);

    public ExifReaderTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A camera-like TIFF block: every field type, labels, text tags, ignored tags, a long list, the Exif, GPS and Interoperability directories and a thumbnail IFD.</summary>
    internal static byte[] SampleTiff(bool bigEndian)
    {
        var b = new ExifTiffBuilder(bigEndian);
        var interop = new ExifTiffBuilder.Directory()
            .Add(0x0001, 2, 4, b.Ascii("R98"))
            .Add(0x0002, 7, 4, "0100"u8.ToArray());
        var gps = new ExifTiffBuilder.Directory()
            .Add(0x0000, 1, 4, [2, 2, 0, 0])
            .Add(0x0001, 2, 2, b.Ascii("N"))
            .Add(0x0002, 5, 3, b.Ratios((48, 1), (51, 1), (2934, 100)))
            .Add(0x0006, 5, 1, b.Ratios((1234, 10)))
            .Add(0x001D, 2, 11, b.Ascii("2026:12:03"));
        var exif = new ExifTiffBuilder.Directory()
            .Add(0x829A, 5, 1, b.Ratios((10, 1000)))
            .Add(0x829D, 5, 1, b.Ratios((28, 10)))
            .Add(0x8822, 3, 1, b.Shorts(2))
            .Add(0x9000, 7, 4, "0230"u8.ToArray())
            .Add(0x9101, 7, 4, [1, 2, 3, 0])
            .Add(0x9201, 10, 1, b.Ratios((-7, 3)))
            .Add(0x9204, 10, 1, b.Ratios((0, 0)))
            .Add(0x9209, 3, 1, b.Shorts(16))
            .Add(0x927C, 7, 12, "Nikon\0\u0002\u0010\0\0MM"u8.ToArray())
            .Add(0x9286, 7, 16, "ASCII\0\0\0a comment"u8.ToArray()[..16])
            .Add(0xA001, 3, 1, b.Shorts(1))
            .Add(0xA002, 4, 1, b.Longs(4000))
            .Add(0xA420, 2, 33, b.Ascii("0123456789abcdef0123456789abcdef"))
            .Pointer(0xA005, interop);
        var thumbnail = new ExifTiffBuilder.Directory()
            .Add(0x0103, 3, 1, b.Shorts(6))
            .Add(0x0201, 4, 1, b.Longs(1234))
            .Add(0x0202, 4, 1, b.Longs(5678));
        var image = new ExifTiffBuilder.Directory { Next = thumbnail }
            .Add(0x010E, 2, 26, b.Ascii("  a \"quoted\" \\ caption\n "))
            .Add(0x010F, 2, 6, b.Ascii("Canon"))
            .Add(0x0110, 2, 17, b.Ascii("Canon EOS 5D Mk\u00e9"))
            .Add(0x0112, 3, 1, b.Shorts(6))
            .Add(0x011A, 5, 1, b.Ratios((72, 1)))
            .Add(0x011B, 5, 1, b.Ratios((300, 4)))
            .Add(0x0128, 3, 1, b.Shorts(2))
            .Add(0x0131, 2, 8, [.. "Editor"u8, 0xFF, 0])
            .Add(0x0132, 2, 20, b.Ascii("2026:12:03 10:00:00"))
            .Add(0x0213, 3, 1, b.Shorts(1))
            .Add(0x0102, 3, 3, b.Shorts(8, 8, 8))
            .Add(0x0111, 3, 60, b.Shorts([.. Enumerable.Range(0, 60)]))
            .Add(0x0153, 3, 2, b.Shorts(1, 3))
            .Add(0xC4A5, 7, 30, [.. Enumerable.Range(0, 30).Select(i => (byte)(i * 7))])
            .Add(0xC000, 6, 2, [0xFF, 0x05])
            .Add(0xC001, 8, 1, b.Shorts(-300 & 0xFFFF))
            .Add(0xC002, 9, 2, b.Longs(-5 & 0xFFFFFFFF, 70000))
            .Add(0xC003, 11, 1, b.Floats(0.1f))
            .Add(0xC004, 12, 2, b.Doubles(1e-5, 12345678901234567.0))
            .Add(0xC005, 99, 1, b.Shorts(1))
            .Add(0x9C9D, 1, 12, "A\0u\0t\0h\0o\0r\0"u8.ToArray())
            .Pointer(0x8769, exif)
            .Pointer(0x8825, gps);
        return b.Tiff(image);
    }

    [Fact]
    public void Tags_are_named_and_printed_as_img2dataset_stores_them()
    {
        foreach (bool big in new[] { false, true })
        {
            var tags = ExifReader.Read(ExifTiffBuilder.Jpeg(SampleTiff(big)))!.ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal("Canon", tags["Image Make"]);
            Assert.Equal("Rotated 90 CW", tags["Image Orientation"]);
            Assert.Equal("72", tags["Image XResolution"]);
            Assert.Equal("75", tags["Image YResolution"]);
            Assert.Equal("Pixels/Inch", tags["Image ResolutionUnit"]);
            Assert.Equal("[8, 8, 8]", tags["Image BitsPerSample"]);
            Assert.Equal("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, ... ]", tags["Image StripOffsets"]);
            Assert.Equal("UnsignedFloat", tags["Image SampleFormat"]);
            Assert.Equal("1/100", tags["EXIF ExposureTime"]);
            Assert.Equal("14/5", tags["EXIF FNumber"]);
            Assert.Equal("0230", tags["EXIF ExifVersion"]);
            Assert.Equal("YCbCr", tags["EXIF ComponentsConfiguration"]);
            Assert.Equal("-7/3", tags["EXIF ShutterSpeedValue"]);
            Assert.Equal("[48, 51, 1467/50]", tags["GPS GPSLatitude"]);
            Assert.Equal("N", tags["GPS GPSLatitudeRef"]);
            Assert.Equal("R98", tags["Interoperability InteroperabilityIndex"]);
            Assert.Equal("JPEG (old-style)", tags["Thumbnail Compression"]);
            Assert.Equal("(0.10000000149011612,)", tags["Image Tag 0xC003"]);
            Assert.Equal("[(1e-05,), (1.2345678901234568e+16,)]", tags["Image Tag 0xC004"]);
            Assert.Equal("-300", tags["Image Tag 0xC001"]);
            Assert.False(tags.ContainsKey("EXIF MakerNote"));
            Assert.False(tags.ContainsKey("EXIF UserComment"));
            Assert.False(tags.ContainsKey("Image Tag 0xC005"));
        }
        Assert.Equal("{}", ExifReader.ToImg2DatasetJson("not an image at all"u8));
        Assert.Equal("{}", ExifReader.ToImg2DatasetJson([0xFF, 0xD8, 0xFF, 0xDB, 0, 4, 0, 0, 0xFF, 0xD9]));
    }

    [Fact]
    public void A_directory_chain_that_loops_or_runs_on_is_bounded()
    {
        var b = new ExifTiffBuilder(false);
        var first = new ExifTiffBuilder.Directory().Add(0x010F, 2, 4, b.Ascii("abc"));
        first.Next = first;
        var tiff = b.Tiff(first);
        // Next-IFD pointer back to itself: exifread stops, so do we.
        var tags = ExifReader.Read(ExifTiffBuilder.Jpeg(tiff))!;
        Assert.Equal("abc", Assert.Single(tags).Value);
        // An entry count of 65,535 past the end of the data reads nothing and ends.
        byte[] huge = [.. "II"u8, 42, 0, 8, 0, 0, 0, 0xFF, 0xFF];
        var clock = Stopwatch.StartNew();
        Assert.NotNull(ExifReader.Read(huge));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [SkippableFact]
    public void Equal_to_exifread_on_jpeg_png_webp_and_tiff_in_both_byte_orders()
    {
        var files = new List<(string Name, byte[] Bytes)>();
        foreach (bool big in new[] { false, true })
        {
            byte[] tiff = SampleTiff(big);
            string e = big ? "mm" : "ii";
            files.Add(($"sample-{e}.jpg", ExifTiffBuilder.Jpeg(tiff)));
            files.Add(($"sample-{e}.png", ExifTiffBuilder.Png(tiff)));
            files.Add(($"sample-{e}.webp", ExifTiffBuilder.Webp(tiff)));
            files.Add(($"sample-{e}.tif", tiff));
        }
        files.Add(("plain.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, .. "JFIF"u8, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xDB, 0, 4, 0, 0, 0xFF, 0xD9]));
        files.Add(("text.txt", "hello"u8.ToArray()));
        var expected = Exifread(files);
        for (int i = 0; i < files.Count; i++)
        {
            Assert.NotNull(expected[i]);
            Assert.Equal(expected[i], ExifReader.ToImg2DatasetJson(files[i].Bytes));
        }
    }

    [SkippableFact]
    public void Equal_to_exifread_on_every_truncation_and_on_corrupted_bytes()
    {
        var files = new List<(string Name, byte[] Bytes)>();
        foreach (bool big in new[] { false, true })
        {
            byte[] jpeg = ExifTiffBuilder.Jpeg(SampleTiff(big));
            for (int cut = 0; cut < jpeg.Length; cut += 7)
                files.Add(($"cut-{big}-{cut}.jpg", jpeg[..cut]));
            var random = new Random(big ? 11 : 7);
            for (int k = 0; k < 150; k++)
            {
                byte[] damaged = (byte[])jpeg.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                    damaged[random.Next(30, damaged.Length)] = (byte)random.Next(256);
                files.Add(($"flip-{big}-{k}.jpg", damaged));
            }
        }
        var expected = Exifread(files);
        int nulls = 0, mismatches = 0;
        var report = new StringBuilder();
        for (int i = 0; i < files.Count; i++)
        {
            string? ours = ExifReader.ToImg2DatasetJson(files[i].Bytes);
            if (expected[i] is null)
                nulls++;
            if (ours != expected[i])
            {
                mismatches++;
                if (mismatches <= 5)
                    report.AppendLine($"{files[i].Name}: exifread {expected[i] ?? "null"}\n  ours {ours ?? "null"}");
            }
        }
        Assert.True(mismatches == 0, $"{mismatches} of {files.Count} differ:\n{report}");
        Assert.True(nulls > 0, "some damaged files should make exifread fail");
    }

    /// <summary>exifread's JSON (or null) for each file, in one Python process.</summary>
    private List<string?> Exifread(List<(string Name, byte[] Bytes)> files)
    {
        string python = Requirements.DebianPython("exifread");
        var paths = new List<string>();
        foreach (var (name, bytes) in files)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, bytes);
            paths.Add(path);
        }
        string list = Path.Combine(_dir, "files.txt");
        File.WriteAllLines(list, paths);
        string script = Path.Combine(_dir, "oracle.py");
        File.WriteAllText(script, """
            import io, json, logging, sys
            import exifread
            logging.disable(logging.CRITICAL)
            for path in open(sys.argv[1]).read().splitlines():
                data = open(path, "rb").read()
                try:
                    exif = json.dumps({k: str(v).strip() for k, v in exifread.process_file(io.BytesIO(data), details=False).items() if v is not None})
                except Exception:
                    exif = None
                print(json.dumps(exif))
            """);
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(list);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var lines = new List<string?>();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
            lines.Add(JsonSerializer.Deserialize<string?>(line));
        Assert.True(p.WaitForExit(120_000), "exifread did not finish in 2 minutes");
        Assert.True(p.ExitCode == 0, err.Result);
        Assert.Equal(files.Count, lines.Count);
        return lines;
    }
}
