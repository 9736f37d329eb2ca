using System.Buffers.Binary;
using System.Diagnostics;
using Trawl.Formats.Hdf5;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;
using Xunit;

namespace Trawl.Formats.Tests.Hdf5;

/// <summary>Corrupted and truncated HDF5: a DataFormatException naming the file (and dataset), never a crash, hang or huge allocation.</summary>
public sealed class Hdf5BadInputTests
{
    private const string Make = """
import sys, zlib, h5py, numpy as np
out = sys.argv[1]
with h5py.File(out + "/chunked.h5", "w") as f:
    f.create_dataset("emb", data=np.arange(400, dtype=np.float32).reshape(40, 10), chunks=(8, 10), compression="gzip")
with h5py.File(out + "/contig.h5", "w") as f:
    f.create_dataset("emb", data=np.arange(4000, dtype=np.float16).reshape(400, 10))
    f.create_group("g").create_dataset("x", data=np.arange(5))
with h5py.File(out + "/lzf.h5", "w") as f:
    f.create_dataset("emb", data=np.zeros((40, 10), np.float32), chunks=(8, 10), compression="lzf")
with h5py.File(out + "/badchunk.h5", "w") as f:
    d = f.create_dataset("emb", shape=(16, 10), dtype=np.float32, chunks=(8, 10), compression="gzip")
    d.id.write_direct_chunk((0, 0), zlib.compress(np.zeros(8 * 10 - 3, np.float32).tobytes()))
    d.id.write_direct_chunk((8, 0), zlib.compress(np.zeros(8 * 10 + 5, np.float32).tobytes()))
with h5py.File(out + "/latest.h5", "w", libver="latest") as f:
    f.create_dataset("emb", data=np.arange(400, dtype=np.float32).reshape(40, 10), chunks=(8, 10), compression="gzip")
with h5py.File(out + "/dense.h5", "w", libver="latest") as f:
    for i in range(12):
        f.create_dataset(f"d{i}", data=np.arange(4) + i)
    for i in range(12):
        f["d0"].attrs[f"a{i}"] = i
with h5py.File(out + "/earray.h5", "w", libver="latest") as f:
    f.create_dataset("emb", data=np.arange(2000, dtype=np.float32).reshape(200, 10), chunks=(4, 10), maxshape=(None, 10), compression="gzip")
with h5py.File(out + "/btree2.h5", "w", libver="latest") as f:
    f.create_dataset("emb", data=np.arange(2000, dtype=np.float32).reshape(200, 10), chunks=(4, 5), maxshape=(None, None))
""";

    private static string Fixtures(TempFiles temp)
    {
        H5py.Run(Make, temp.Folder);
        return temp.Folder;
    }

    /// <summary>Opens and reads every dataset fully; returns the error (or null when the file read fine).</summary>
    private static DataFormatException? OpenAndRead(string path)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var f = Hdf5File.Open(path);
            foreach (var ds in f.Datasets)
            {
                // A corrupted shape can be huge (chunks never written read as zeros): read a bounded window of rows.
                long rows = ds.RowBytes > 16 << 20 ? 0 : Math.Min(ds.Rows, (16L << 20) / Math.Max(1, ds.RowBytes));
                var buffer = new byte[rows * ds.RowBytes];
                ds.ReadRows(0, rows, buffer);
            }
            return null;
        }
        catch (DataFormatException e)
        {
            Assert.Contains(path, e.Message);
            return e;
        }
        finally
        {
            // Generous bound against hangs on a loaded shared machine; the work itself takes milliseconds.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{path} took {watch.Elapsed}");
        }
    }

    [SkippableFact]
    public void Every_truncation_is_a_clear_error()
    {
        using var temp = new TempFiles();
        string folder = Fixtures(temp);
        foreach (string name in new[] { "chunked.h5", "contig.h5", "latest.h5", "dense.h5", "earray.h5", "btree2.h5" })
        {
            byte[] whole = File.ReadAllBytes(Path.Combine(folder, name));
            int step = Math.Max(1, whole.Length / 300);
            for (int n = 0; n < whole.Length; n += step)
            {
                string cut = temp.Write($"cut-{n}-{name}", whole[..n]);
                var e = OpenAndRead(cut);
                // The tail of a file can be free space h5py reserved: reading may still succeed, never crash.
                if (n < whole.Length / 2) Assert.NotNull(e);
                File.Delete(cut);
            }
        }
    }

    [SkippableFact]
    public void Random_byte_corruption_never_crashes()
    {
        using var temp = new TempFiles();
        string folder = Fixtures(temp);
        var rng = new Random(11);
        foreach (string name in new[] { "chunked.h5", "contig.h5", "latest.h5", "dense.h5", "earray.h5", "btree2.h5" })
        {
            byte[] whole = File.ReadAllBytes(Path.Combine(folder, name));
            for (int trial = 0; trial < 150; trial++)
            {
                byte[] bad = (byte[])whole.Clone();
                int at = rng.Next(Math.Min(whole.Length, 4096));
                bad[at] = (byte)rng.Next(256);
                if (trial % 3 == 0) bad[rng.Next(Math.Min(whole.Length, 4096))] = 0xFF;
                string path = temp.Write($"bad-{trial}-{name}", bad);
                OpenAndRead(path);
                File.Delete(path);
            }
        }
    }

    private static int Find(byte[] data, string signature)
    {
        for (int i = 0; i + 4 <= data.Length; i++)
            if (data[i] == signature[0] && data[i + 1] == signature[1] && data[i + 2] == signature[2] && data[i + 3] == signature[3]) return i;
        return -1;
    }

    /// <summary>Replaces every 8-byte little-endian occurrence of <paramref name="address"/> (outside the block itself) with one far past the end.</summary>
    private static int PointOutside(byte[] data, long address)
    {
        int hits = 0;
        for (int i = 0; i + 8 <= data.Length; i++)
            if (BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i)) == address && i != address)
            {
                BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i), 1L << 40);
                hits++;
            }
        return hits;
    }

    [SkippableFact]
    public void A_btree_address_outside_the_file_names_the_dataset()
    {
        using var temp = new TempFiles();
        byte[] data = File.ReadAllBytes(Path.Combine(Fixtures(temp), "chunked.h5"));
        // The group's B-tree comes first, the dataset's chunk B-tree second.
        int first = Find(data, "TREE");
        int second = first + 4 + Find(data[(first + 4)..], "TREE");
        Assert.True(PointOutside(data, second) > 0);
        var e = OpenAndRead(temp.Write("btree.h5", data));
        Assert.NotNull(e);
        Assert.Contains("dataset '/emb'", e!.Message);
        Assert.Contains("outside the file", e.Message);
    }

    [SkippableTheory]
    [InlineData("dense.h5", "FRHP", "dense links of group '/'")]
    [InlineData("dense.h5", "BTHD", "dense links of group '/'")]
    [InlineData("earray.h5", "EAHD", "dataset '/emb'")]
    [InlineData("earray.h5", "EAIB", "dataset '/emb'")]
    [InlineData("btree2.h5", "BTHD", "dataset '/emb'")]
    [InlineData("btree2.h5", "BTLF", "dataset '/emb'")]
    public void A_dense_storage_or_new_chunk_index_address_outside_the_file_is_a_clear_error(string file, string signature, string names)
    {
        using var temp = new TempFiles();
        byte[] data = File.ReadAllBytes(Path.Combine(Fixtures(temp), file));
        int at = Find(data, signature);
        Assert.True(at > 0, $"{signature} is not in {file}");
        Assert.True(PointOutside(data, at) > 0);
        var e = OpenAndRead(temp.Write("moved-" + file, data));
        Assert.NotNull(e);
        Assert.Contains(names, e!.Message);
        Assert.Contains("outside the file", e.Message);
    }

    [SkippableTheory]
    [InlineData("dense.h5", "FRHP")]
    [InlineData("dense.h5", "BTHD")]
    [InlineData("earray.h5", "EAHD")]
    [InlineData("btree2.h5", "BTHD")]
    public void A_corrupted_signature_of_a_new_structure_is_a_clear_error(string file, string signature)
    {
        using var temp = new TempFiles();
        byte[] data = File.ReadAllBytes(Path.Combine(Fixtures(temp), file));
        int at = Find(data, signature);
        data[at + 1] ^= 0x20;
        var e = OpenAndRead(temp.Write("sig-" + file, data));
        Assert.NotNull(e);
        Assert.Contains($"expected signature '{signature}'", e!.Message);
    }

    [SkippableFact]
    public void A_heap_address_outside_the_file_is_a_clear_error()
    {
        using var temp = new TempFiles();
        byte[] data = File.ReadAllBytes(Path.Combine(Fixtures(temp), "contig.h5"));
        Assert.True(PointOutside(data, Find(data, "HEAP")) > 0);
        var e = OpenAndRead(temp.Write("heap.h5", data));
        Assert.NotNull(e);
        Assert.Contains("local heap", e!.Message);
        Assert.Contains("outside the file", e.Message);
    }

    [SkippableFact]
    public void A_chunk_that_inflates_to_the_wrong_size_names_the_dataset()
    {
        using var temp = new TempFiles();
        string path = Path.Combine(Fixtures(temp), "badchunk.h5");
        using var f = Hdf5File.Open(path);
        var ds = f.Dataset("emb");
        var buffer = new byte[8 * ds.RowBytes];
        var shorter = Assert.Throws<DataFormatException>(() => ds.ReadRows(0, 8, buffer));
        Assert.Contains("dataset '/emb'", shorter.Message);
        Assert.Contains("inflates to 308 bytes", shorter.Message);
        var longer = Assert.Throws<DataFormatException>(() => ds.ReadRows(8, 8, buffer));
        Assert.Contains("inflates to more than", longer.Message);
    }

    [SkippableFact]
    public void An_unsupported_filter_names_the_filter_and_the_dataset()
    {
        using var temp = new TempFiles();
        using var f = Hdf5File.Open(Path.Combine(Fixtures(temp), "lzf.h5"));
        var ds = f.Dataset("emb");
        Assert.NotNull(ds.UnsupportedFilter);
        var e = Assert.Throws<DataFormatException>(() => ds.ReadRows(0, 1, new byte[ds.RowBytes]));
        Assert.Contains("lzf filter", e.Message);
        Assert.Contains("dataset '/emb'", e.Message);
    }

    [SkippableFact]
    public void A_dataset_whose_shape_does_not_match_its_data_is_a_clear_error()
    {
        using var temp = new TempFiles();
        byte[] data = File.ReadAllBytes(Path.Combine(Fixtures(temp), "contig.h5"));
        // Grow the declared first dimension (400 rows) so the contiguous data would run past the end of the file.
        int hits = 0;
        for (int i = 0; i + 16 <= data.Length; i++)
            if (BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i)) == 400 && BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i + 8)) == 10)
            {
                BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i), 4_000_000_000);
                hits++;
            }
        Assert.True(hits > 0);
        var e = OpenAndRead(temp.Write("shape.h5", data));
        Assert.NotNull(e);
        Assert.Contains("dataset '/emb'", e!.Message);
    }

    [Fact]
    public void A_superblock_version_we_do_not_read_is_named()
    {
        using var temp = new TempFiles();
        string path = Path.Combine(temp.Folder, "v9.h5");
        using (var w = Hdf5Writer.Create(path))
        {
            w.AddDataset("x", Hdf5DataType.Float32, 2).Append<float>([1, 2]);
            w.Complete();
        }
        byte[] data = File.ReadAllBytes(path);
        data[8] = 9;
        File.WriteAllBytes(path, data);
        var e = Assert.Throws<DataFormatException>(() => Hdf5File.Open(path));
        Assert.Contains("superblock version 9", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Not_hdf5_at_all()
    {
        using var temp = new TempFiles();
        string path = temp.Write("x.h5", "just text, not HDF5");
        var e = Assert.Throws<DataFormatException>(() => Hdf5File.Open(path));
        Assert.Contains("not an HDF5 file", e.Message);
    }
}
