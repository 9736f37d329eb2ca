using Trawl.Formats.Hdf5;
using Trawl.Formats.Tests.Support;
using Xunit;

namespace Trawl.Formats.Tests.Hdf5;

/// <summary>Files Trawl writes are read back by h5py (and by Trawl's own reader).</summary>
public sealed class Hdf5WriteTests
{
    private static string WriteSample(string folder)
    {
        string path = Path.Combine(folder, "written.h5");
        using var w = Hdf5Writer.Create(path);
        w.SetAttribute("algo", "HNSW32 ünïcode");
        w.SetAttribute("buildtime", 12.5);
        w.SetAttribute("size", 300000L);
        var knns = w.AddDataset("knns", Hdf5DataType.Int32, 3);
        knns.Append<int>([1, 2, 3, 4, 5, 6]);
        knns.Append<int>([7, 8, 9]);
        knns.SetAttribute("note", "1-based");
        var dists = w.AddDataset("dists", Hdf5DataType.Float32, 3);
        dists.Append<float>([0.5f, 0.25f, 0.125f, 1, 2, 3, -1, -2, -3]);
        var emb = w.AddDataset("emb", Hdf5DataType.Float16, 2);
        emb.Append<Half>([(Half)1.5, (Half)(-2), (Half)0.099975586, (Half)65504]);
        var u = w.AddDataset("bits", Hdf5DataType.UInt64);
        u.Append<ulong>([ulong.MaxValue, 1, 0]);
        w.AddDataset("empty", Hdf5DataType.Float64, 4);
        w.Complete();
        return path;
    }

    [SkippableFact]
    public void H5py_reads_what_Trawl_writes()
    {
        using var temp = new TempFiles();
        string path = WriteSample(temp.Folder);
        string output = H5py.Run("""
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    a = f.attrs
    algo = a["algo"]
    algo = algo.decode() if isinstance(algo, bytes) else algo
    print(algo, float(a["buildtime"]), int(a["size"]))
    print(f["knns"].shape, f["knns"].dtype, f["knns"][:].tolist(), f["knns"].attrs["note"].decode() if isinstance(f["knns"].attrs["note"], bytes) else f["knns"].attrs["note"])
    print(f["dists"].dtype, f["dists"][:].tolist())
    print(f["emb"].dtype, f["emb"][:].astype(np.float32).tolist())
    print(f["bits"].dtype, [int(x) for x in f["bits"][:]])
    print(f["empty"].shape, sorted(f.keys()))
""", path);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("HNSW32 ünïcode 12.5 300000", lines[0]);
        Assert.Equal("(3, 3) int32 [[1, 2, 3], [4, 5, 6], [7, 8, 9]] 1-based", lines[1]);
        Assert.Equal("float32 [[0.5, 0.25, 0.125], [1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]", lines[2]);
        Assert.Equal("float16 [[1.5, -2.0], [0.0999755859375, 65504.0]]", lines[3]);
        Assert.Equal($"uint64 [{ulong.MaxValue}, 1, 0]", lines[4]);
        Assert.Equal("(0, 4) ['bits', 'dists', 'emb', 'empty', 'knns']", lines[5]);
    }

    [Fact]
    public void Trawl_reads_what_Trawl_writes()
    {
        using var temp = new TempFiles();
        string path = WriteSample(temp.Folder);
        using var f = Hdf5File.Open(path);
        Assert.Equal(2, f.SuperblockVersion);
        Assert.Equal("HNSW32 ünïcode", f.Attributes.Single(a => a.Name == "algo").AsString());
        Assert.Equal(300000, f.Attributes.Single(a => a.Name == "size").AsDouble());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, f.Dataset("knns").ReadAllAsInt64());
        Assert.Equal(new long[] { 3, 3 }, f.Dataset("knns").Shape);
        Assert.Equal(new double[] { 1.5, -2, 0.099975586, 65504 }, f.Dataset("emb").ReadAllAsDouble().Select(d => Math.Round(d, 9)));
        Assert.Equal(new long[] { 0, 4 }, f.Dataset("empty").Shape);
    }

    [Fact]
    public void An_abandoned_writer_leaves_no_file()
    {
        using var temp = new TempFiles();
        string path = Path.Combine(temp.Folder, "never.h5");
        using (var w = Hdf5Writer.Create(path))
            w.AddDataset("x", Hdf5DataType.Float32, 2).Append<float>([1, 2]);
        Assert.Empty(Directory.GetFiles(temp.Folder));
    }

    [SkippableFact]
    public void Round_trip_h5py_to_Trawl_to_h5py_keeps_every_value()
    {
        using var temp = new TempFiles();
        H5py.Run("""
import sys, h5py, numpy as np
rng = np.random.default_rng(7)
with h5py.File(sys.argv[1] + "/src.h5", "w") as f:
    f.create_dataset("emb", data=rng.standard_normal((300, 17)).astype(np.float16), chunks=(64, 17), compression="gzip")
""", temp.Folder);
        using (var src = Hdf5File.Open(Path.Combine(temp.Folder, "src.h5")))
        {
            var emb = src.Dataset("emb");
            var raw = new byte[emb.Rows * emb.RowBytes];
            emb.ReadRows(0, emb.Rows, raw);
            using var w = Hdf5Writer.Create(Path.Combine(temp.Folder, "copy.h5"));
            w.AddDataset("emb", emb.Type, emb.Shape[1]).AppendBytes(raw);
            w.Complete();
        }
        string same = H5py.Run("""
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1] + "/src.h5", "r")["emb"][:]
b = h5py.File(sys.argv[1] + "/copy.h5", "r")["emb"][:]
print(a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.view(np.uint16), b.view(np.uint16)))
""", temp.Folder);
        Assert.Equal("True", same.Trim());
    }
}
