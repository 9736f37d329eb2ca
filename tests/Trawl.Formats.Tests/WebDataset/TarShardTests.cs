using System.Formats.Tar;
using System.Text;
using Trawl.Formats.Tables;
using Trawl.Formats.WebDataset;
using TarEntry = Trawl.Formats.WebDataset.TarEntry;

namespace Trawl.Formats.Tests.WebDataset;

public sealed class TarShardTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trawl-tar-" + Guid.NewGuid().ToString("N")[..10]);

    public TarShardTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(Action<TarShardWriter> fill, string name = "shard.tar")
    {
        string path = Path.Combine(_dir, name);
        using (var w = new TarShardWriter(File.Create(path)))
            fill(w);
        return path;
    }

    private static List<TarEntry> List(string path)
    {
        using var r = TarShardReader.Open(path);
        var list = new List<TarEntry>();
        while (r.TryReadNext(out var e))
            list.Add(e);
        return list;
    }

    [Fact]
    public void Written_members_read_back_with_their_offsets_and_bytes()
    {
        var payloads = new[] { "a"u8.ToArray(), new byte[512], Enumerable.Range(0, 1300).Select(i => (byte)i).ToArray(), Array.Empty<byte>() };
        var offsets = new List<long>();
        string path = Write(w =>
        {
            for (int i = 0; i < payloads.Length; i++)
                offsets.Add(w.Write($"dir/{i:D3}.bin", payloads[i]));
        });
        var entries = List(path);
        Assert.Equal(payloads.Length, entries.Count);
        using var r = TarShardReader.Open(path);
        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal($"dir/{i:D3}.bin", entries[i].Name);
            Assert.Equal(offsets[i], entries[i].DataOffset);
            var bytes = new byte[entries[i].Length];
            r.ReadAt(entries[i].DataOffset, bytes);
            Assert.Equal(payloads[i], bytes);
        }
    }

    [Fact]
    public void Dotnet_TarReader_reads_our_shards_and_we_read_its_pax_long_names()
    {
        string ours = Write(w => w.Write("000000001.jpg", "xyz"u8));
        using (var reader = new TarReader(File.OpenRead(ours)))
        {
            var e = reader.GetNextEntry()!;
            Assert.Equal("000000001.jpg", e.Name);
            Assert.Equal(3, e.Length);
            Assert.Null(reader.GetNextEntry());
        }
        string theirs = Path.Combine(_dir, "pax.tar");
        string longName = string.Concat(Enumerable.Repeat("folder/", 30)) + "sample.json";
        using (var file = File.Create(theirs))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, longName) { DataStream = new MemoryStream("{}"u8.ToArray()) };
            writer.WriteEntry(entry);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "folder/"));
        }
        var entries = List(theirs);
        Assert.Single(entries);
        Assert.Equal(longName, entries[0].Name);
        Assert.Equal(2, entries[0].Length);
    }

    [Theory]
    [InlineData("../evil.jpg")]
    [InlineData("a/../../evil.jpg")]
    [InlineData("/etc/evil.jpg")]
    public void Names_that_escape_the_folder_are_refused_with_the_member_and_offset(string name)
    {
        string path = Path.Combine(_dir, "tricks.tar");
        using (var file = File.Create(path))
        using (var writer = new TarWriter(file, TarEntryFormat.Ustar))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ok.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        var e = Assert.Throws<DataFormatException>(() => List(path));
        Assert.Contains(name, e.Message);
        Assert.Equal(1024, e.ByteOffset);
        Assert.Contains("tricks.tar", e.Message);
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    public void Links_are_refused(TarEntryType type)
    {
        string path = Path.Combine(_dir, "links.tar");
        using (var file = File.Create(path))
        using (var writer = new TarWriter(file, TarEntryFormat.Ustar))
            writer.WriteEntry(new UstarTarEntry(type, "000.jpg") { LinkName = "/etc/passwd" });
        var e = Assert.Throws<DataFormatException>(() => List(path));
        Assert.Contains("link", e.Message);
    }

    [Fact]
    public void Truncated_shards_are_refused_at_every_cut_with_the_byte_offset()
    {
        string path = Write(w =>
        {
            w.Write("0.jpg", new byte[700]);
            w.Write("0.json", "{\"a\":1}"u8);
        });
        byte[] whole = File.ReadAllBytes(path);
        int failures = 0;
        // Every cut inside the members (not in the final zero blocks) is reported, never read past.
        for (int cut = 1; cut < 512 * 5; cut += 37)
        {
            // A cut exactly between members looks like an archive written without its end blocks.
            if (cut % 512 == 0)
                continue;
            string cutPath = Path.Combine(_dir, "cut.tar");
            File.WriteAllBytes(cutPath, whole[..cut]);
            var e = Assert.Throws<DataFormatException>(() => List(cutPath));
            Assert.NotNull(e.ByteOffset);
            Assert.Contains("truncated", e.Message);
            failures++;
        }
        Assert.True(failures > 50);
    }

    [Fact]
    public void A_damaged_header_fails_its_checksum()
    {
        string path = Write(w => w.Write("0.txt", "hello"u8));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[3] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => List(path));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void Not_a_tar_file_is_refused_clearly()
    {
        string path = Path.Combine(_dir, "text.tar");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("this is not a tar file at all. ", 40)));
        Assert.Throws<DataFormatException>(() => List(path));
    }

    [Fact]
    public void Writer_refuses_names_that_escape()
    {
        using var w = new TarShardWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => w.Write("../x", "a"u8));
        Assert.Throws<ArgumentException>(() => w.Write("/x", "a"u8));
        Assert.Throws<ArgumentException>(() => w.Write(new string('a', 101), "a"u8));
    }

    [Fact]
    public void WebDatasetReader_groups_members_by_key_and_keeps_images_by_reference()
    {
        var images = new List<(long Offset, int Length)>();
        string path = Write(w =>
        {
            for (int i = 0; i < 3; i++)
            {
                byte[] jpg = [0xFF, 0xD8, 0xFF, (byte)i, 1, 2, 3];
                images.Add((w.Write($"{i:D9}.jpg", jpg), jpg.Length));
                w.Write($"{i:D9}.txt", Encoding.UTF8.GetBytes($"caption {i}"));
                w.Write($"{i:D9}.json", Encoding.UTF8.GetBytes($$"""{"url": "http://h/{{i}}.jpg", "key": "{{i:D9}}", "width": {{100 + i}}, "score": 0.5, "tags": ["a"], "status": "success"}"""));
            }
        });
        using var reader = TableReaders.Open(path);
        Assert.Equal(["key", "url", "width", "score", "tags", "status", "txt", "image_shard", "image_offset", "image_length", "image_format"],
            reader.Schema.Columns.Select(c => c.Name));
        var batch = new ColumnBatch(reader.Schema.Count);
        Assert.True(reader.ReadBatch(batch, 100));
        Assert.Equal(3, batch.RowCount);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"{i:D9}", batch[0].ValueAt(i));
            Assert.Equal($"http://h/{i}.jpg", batch[1].ValueAt(i));
            Assert.Equal(100L + i, batch[2].ValueAt(i));
            Assert.Equal("[\"a\"]", batch[4].ValueAt(i));
            Assert.Equal($"caption {i}", batch[6].ValueAt(i));
            Assert.Equal(Path.GetFullPath(path), batch[7].ValueAt(i));
            Assert.Equal(images[i].Offset, batch[8].ValueAt(i));
            Assert.Equal((long)images[i].Length, batch[9].ValueAt(i));
            Assert.Equal("jpg", batch[10].ValueAt(i));
        }
        Assert.False(reader.ReadBatch(batch, 100));
    }

    [Fact]
    public void WebDatasetReader_leaves_out_bad_json_naming_the_member_and_keeps_the_sample()
    {
        string path = Write(w =>
        {
            w.Write("000.jpg", [0xFF, 0xD8, 0xFF]);
            w.Write("000.json", "{\"url\": "u8);
            w.Write("001.jpg", [0xFF, 0xD8, 0xFF]);
            w.Write("001.json", "[1, 2]"u8);
            w.Write("002.jpg", [0xFF, 0xD8, 0xFF]);
            w.Write("002.json", "{\"url\": \"http://h/2.jpg\"}"u8);
        });
        using var reader = (WebDatasetReader)TableReaders.Open(path);
        var rows = ReadAll(reader);
        Assert.Equal(["000", "001", "002"], rows.Select(r => r["key"]));
        Assert.Null(rows[0]["url"]);
        Assert.Equal("http://h/2.jpg", rows[2]["url"]);
        Assert.Equal(2, reader.SkippedRecords);
        Assert.Contains(reader.SkipMessages, m => m.Contains("000.json") && m.Contains("not valid JSON") && m.Contains("byte offset"));
        Assert.Contains(reader.SkipMessages, m => m.Contains("001.json") && m.Contains("not a JSON object"));
    }

    [Theory]
    [InlineData("../evil.jpg")]
    [InlineData("a/../../evil.jpg")]
    [InlineData("/etc/evil.jpg")]
    public void In_skip_mode_a_name_that_escapes_is_recorded_and_the_next_member_is_read(string name)
    {
        string path = Path.Combine(_dir, "tricks.tar");
        using (var file = File.Create(path))
        using (var writer = new TarWriter(file, TarEntryFormat.Ustar))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "ok.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new byte[700]) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "link.jpg") { LinkName = "/etc/passwd" });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.HardLink, "hard.jpg") { LinkName = "ok.txt" });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "after.txt") { DataStream = new MemoryStream("yz"u8.ToArray()) });
        }
        using var r = TarShardReader.Open(path, skipRefused: true);
        var names = new List<string>();
        while (r.TryReadNext(out var e))
            names.Add(e.Name);
        Assert.Equal(["ok.txt", "after.txt"], names);
        Assert.Equal(3, r.RefusedCount);
        Assert.Contains(name, r.Refusals[0].Message);
        Assert.Equal(1024, r.Refusals[0].ByteOffset);
        Assert.Contains("symbolic link", r.Refusals[1].Message);
        Assert.Contains("hard link", r.Refusals[2].Message);
    }

    [Fact]
    public void In_skip_mode_a_truncated_shard_ends_at_the_cut_with_the_members_before_it()
    {
        string path = Write(w =>
        {
            w.Write("0.jpg", new byte[700]);
            w.Write("0.json", "{\"a\":1}"u8);
            w.Write("1.jpg", new byte[300]);
        });
        byte[] whole = File.ReadAllBytes(path);
        var full = List(path);
        int cuts = 0;
        for (int cut = 1; cut < whole.Length; cut += 29)
        {
            string cutPath = Path.Combine(_dir, "cut.tar");
            File.WriteAllBytes(cutPath, whole[..cut]);
            using var r = TarShardReader.Open(cutPath, skipRefused: true);
            var got = new List<TarEntry>();
            for (int guard = 0; guard < 10 && r.TryReadNext(out var e); guard++)
                got.Add(e);
            // Only whole members come back, the same ones as from the whole shard, and never a second call's surprise.
            Assert.Equal(full.Take(got.Count), got);
            Assert.All(got, e => Assert.True(e.DataOffset + e.Length <= cut));
            Assert.False(r.TryReadNext(out _));
            if (got.Count < full.Count && cut % 512 != 0)
            {
                Assert.Equal(1, r.RefusedCount);
                Assert.Contains("truncated", r.Refusals[0].Message);
                cuts++;
            }
        }
        Assert.True(cuts > 40);
    }

    [Fact]
    public void In_skip_mode_a_damaged_header_ends_the_shard_and_says_why()
    {
        string path = Write(w =>
        {
            w.Write("0.txt", "hello"u8);
            w.Write("1.txt", "world"u8);
        });
        byte[] bytes = File.ReadAllBytes(path);
        bytes[1024 + 3] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        using var r = TarShardReader.Open(path, skipRefused: true);
        Assert.True(r.TryReadNext(out var first));
        Assert.Equal("0.txt", first.Name);
        Assert.False(r.TryReadNext(out _));
        Assert.Contains("checksum", Assert.Single(r.Refusals).Message);
    }

    private static List<Dictionary<string, object?>> ReadAll(ITableReader reader)
    {
        var rows = new List<Dictionary<string, object?>>();
        var batch = new ColumnBatch(reader.Schema.Count);
        while (reader.ReadBatch(batch, 64))
        {
            for (int i = 0; i < batch.RowCount; i++)
                rows.Add(reader.Schema.Columns.Select((c, k) => (c.Name, batch[k].ValueAt(i))).ToDictionary(x => x.Name, x => x.Item2));
        }
        return rows;
    }
}
