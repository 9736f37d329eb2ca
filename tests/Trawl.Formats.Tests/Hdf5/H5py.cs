using System.Diagnostics;
using Trawl.Testing;

namespace Trawl.Formats.Tests.Hdf5;

/// <summary>Runs a Python script with Debian's h5py and numpy (skipped locally when absent, a failure under CI).</summary>
internal static class H5py
{
    public static string Run(string script, params string[] args)
    {
        string python = Requirements.DebianPython("h5py", "numpy");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("python did not finish in 120 s");
        }
        if (p.ExitCode != 0) throw new InvalidOperationException($"python failed ({p.ExitCode}): {stderr.Result}");
        return stdout;
    }

    /// <summary>
    /// Writes one file per case into <paramref name="folder"/>: every element of every dataset is
    /// <c>(i*31 + j*7 + k*3) % 97</c> for its (i, j, k) index, so a reader can be checked without a dump.
    /// </summary>
    public const string FixtureScript = """
import sys, h5py, numpy as np
out = sys.argv[1]
def values(shape, dtype):
    idx = np.indices(shape)
    w = [31, 7, 3]
    v = sum(idx[d] * w[d] for d in range(len(shape))) % 97
    return v.astype(dtype)
cases = [
  # name, dtype, shape, create_dataset kwargs, libver
  ("contig_f16", "<f2", (23, 6), {}, None),
  ("contig_f32", "<f4", (23, 6), {}, None),
  ("contig_f64_be", ">f8", (23, 6), {}, None),
  ("contig_i8", "i1", (23, 6), {}, None),
  ("contig_u8", "u1", (23, 6), {}, None),
  ("contig_i16_be", ">i2", (23, 6), {}, None),
  ("contig_u16", "<u2", (23, 6), {}, None),
  ("contig_i32", "<i4", (23, 6), {}, None),
  ("contig_u32_be", ">u4", (23, 6), {}, None),
  ("contig_i64_be", ">i8", (23, 6), {}, None),
  ("contig_u64", "<u8", (23, 6), {}, None),
  ("compact_i32", "<i4", (5, 3), {"compact": True}, None),
  ("chunked_f32", "<f4", (23, 6), {"chunks": (7, 4)}, None),
  ("chunked_gzip_f16", "<f2", (23, 6), {"chunks": (5, 6), "compression": "gzip"}, None),
  ("chunked_shuffle_gzip_i64", "<i8", (23, 6), {"chunks": (4, 5), "compression": "gzip", "shuffle": True}, None),
  ("chunked_fletcher_f32", "<f4", (23, 6), {"chunks": (10, 6), "fletcher32": True, "compression": "gzip"}, None),
  ("chunked_3d_gzip_be", ">i4", (4, 5, 6), {"chunks": (3, 2, 4), "compression": "gzip"}, None),
  ("chunked_1d", "<f8", (50,), {"chunks": (8,)}, None),
  ("latest_contig_f16", "<f2", (23, 6), {}, "latest"),
  ("latest_fixed_gzip_f32", "<f4", (23, 6), {"chunks": (5, 4), "compression": "gzip", "shuffle": True}, "latest"),
  ("latest_fixed_plain_i32", "<i4", (23, 6), {"chunks": (6, 6)}, "latest"),
  ("latest_single_gzip_f16", "<f2", (23, 6), {"chunks": (23, 6), "compression": "gzip"}, "latest"),
  ("latest_single_plain_u8", "u1", (23, 6), {"chunks": (23, 6)}, "latest"),
  ("latest_paged_gzip_f16", "<f2", (2100, 3), {"chunks": (1, 3), "compression": "gzip"}, "latest"),
  ("latest_compact_f32", "<f4", (4, 3), {"compact": True}, "latest"),
  ("btree_many_chunks_f16", "<f2", (2100, 3), {"chunks": (1, 3), "compression": "gzip"}, None),
  # Resizable datasets under libver='latest': one unlimited dimension is an extensible array, two a version-2 B-tree.
  ("latest_earray_f32", "<f4", (23, 6), {"chunks": (5, 6), "maxshape": (None, 6)}, "latest"),
  ("latest_earray_gzip_many_i16", "<i2", (3000, 3), {"chunks": (2, 3), "maxshape": (None, 3), "compression": "gzip"}, "latest"),
  ("latest_earray_paged_u8", "u1", (140000,), {"chunks": (1,), "maxshape": (None,)}, "latest"),
  ("latest_earray_wider_max_f32", "<f4", (23, 6), {"chunks": (5, 4), "maxshape": (None, 10), "compression": "gzip", "shuffle": True}, "latest"),
  ("latest_fixed_wider_max_i32", "<i4", (23, 6), {"chunks": (5, 4), "maxshape": (40, 10)}, "latest"),
  ("latest_btree2_f32", "<f4", (23, 6), {"chunks": (5, 4), "maxshape": (None, None)}, "latest"),
  ("latest_btree2_gzip_deep_i8", "i1", (300, 300), {"chunks": (2, 2), "maxshape": (None, None), "compression": "gzip"}, "latest"),
]
for name, dtype, shape, kw, libver in cases:
    kw = dict(kw)
    compact = kw.pop("compact", False)
    with h5py.File(f"{out}/{name}.h5", "w", libver=libver or "earliest") as f:
        data = values(shape, dtype)
        if compact:
            dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            dcpl.set_layout(h5py.h5d.COMPACT)
            space = h5py.h5s.create_simple(shape)
            tid = h5py.h5t.py_create(np.dtype(dtype))
            dsid = h5py.h5d.create(f.id, b"data", tid, space, dcpl=dcpl)
            dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data)
        else:
            f.create_dataset("data", data=data, **kw)
        f["data"].attrs["kind"] = name
        f.attrs["count"] = np.int64(shape[0])
        f.attrs["scale"] = np.float32(0.5)
        f.attrs["fixed"] = np.bytes_(b"fixed-text")
        f.attrs["dims"] = np.array([3, 4, 5], dtype=">i2")
        g = f.create_group("group").create_group("inner")
        g.create_dataset("small", data=np.arange(10, dtype="<i8"))
        g.attrs["note"] = "nested"
# Julia's layout: a (n, d) float16 emb written by a column-major writer looks like this to h5py.
with h5py.File(f"{out}/sisap_like.h5", "w") as f:
    f.create_dataset("emb", data=values((40, 12), "<f2"), chunks=(10, 12), compression="gzip")
    f.create_dataset("knns", data=(values((8, 5), "<i4") + 1))
    f.create_dataset("dists", data=values((8, 5), "<f4"))
    f.attrs["algo"] = "bruteforce"
# Dense storage (libver='latest'): links and attributes in fractal heaps named by version-2 B-trees.
with h5py.File(f"{out}/many_links_latest.h5", "w", libver="latest") as f:
    for i in range(20):
        f.create_dataset(f"d{i}", data=np.arange(3) + i)
    g = f.create_group("big")
    for i in range(300):
        g.create_group(f"sub{i:03d}")
    d = f["d0"]
    for i in range(30):
        d.attrs[f"a{i:02d}"] = np.int64(i * 7)
    d.attrs["long"] = "x" * 3000
    for i in range(12):
        f.attrs[f"r{i:02d}"] = np.bytes_(f"root {i}".encode())
""";
}
