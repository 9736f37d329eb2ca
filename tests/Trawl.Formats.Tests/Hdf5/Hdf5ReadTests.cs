using Trawl.Formats.Hdf5;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;
using Xunit;

namespace Trawl.Formats.Tests.Hdf5;

/// <summary>h5py writes every layout, filter, type and both library-version settings; Trawl reads them back.</summary>
public sealed class Hdf5ReadTests : IClassFixture<Hdf5ReadTests.Fixtures>
{
    public sealed class Fixtures : IDisposable
    {
        public TempFiles Temp { get; } = new();
        private bool _made;
        private readonly Lock _lock = new();

        public string Folder
        {
            get
            {
                lock (_lock)
                {
                    if (!_made)
                    {
                        H5py.Run(H5py.FixtureScript, Temp.Folder);
                        _made = true;
                    }
                }
                return Temp.Folder;
            }
        }

        public void Dispose() => Temp.Dispose();
    }

    private readonly Fixtures _fx;

    public Hdf5ReadTests(Fixtures fx) => _fx = fx;

    private static double Expected(long[] shape, long linear)
    {
        long v = 0;
        int[] w = [31, 7, 3];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            v += linear % shape[d] * w[d];
            linear /= shape[d];
        }
        return v % 97;
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        { "contig_f16", "float16", "Contiguous" },
        { "contig_f32", "float32", "Contiguous" },
        { "contig_f64_be", ">float64", "Contiguous" },
        { "contig_i8", "int8", "Contiguous" },
        { "contig_u8", "uint8", "Contiguous" },
        { "contig_i16_be", ">int16", "Contiguous" },
        { "contig_u16", "uint16", "Contiguous" },
        { "contig_i32", "int32", "Contiguous" },
        { "contig_u32_be", ">uint32", "Contiguous" },
        { "contig_i64_be", ">int64", "Contiguous" },
        { "contig_u64", "uint64", "Contiguous" },
        { "compact_i32", "int32", "Compact" },
        { "chunked_f32", "float32", "Chunked" },
        { "chunked_gzip_f16", "float16", "Chunked" },
        { "chunked_shuffle_gzip_i64", "int64", "Chunked" },
        { "chunked_fletcher_f32", "float32", "Chunked" },
        { "chunked_3d_gzip_be", ">int32", "Chunked" },
        { "chunked_1d", "float64", "Chunked" },
        { "latest_contig_f16", "float16", "Contiguous" },
        { "latest_fixed_gzip_f32", "float32", "Chunked" },
        { "latest_fixed_plain_i32", "int32", "Chunked" },
        { "latest_single_gzip_f16", "float16", "Chunked" },
        { "latest_single_plain_u8", "uint8", "Chunked" },
        { "latest_paged_gzip_f16", "float16", "Chunked" },
        { "latest_compact_f32", "float32", "Compact" },
        { "btree_many_chunks_f16", "float16", "Chunked" },
        { "latest_earray_f32", "float32", "Chunked" },
        { "latest_earray_gzip_many_i16", "int16", "Chunked" },
        { "latest_earray_paged_u8", "uint8", "Chunked" },
        { "latest_earray_wider_max_f32", "float32", "Chunked" },
        { "latest_fixed_wider_max_i32", "int32", "Chunked" },
        { "latest_btree2_f32", "float32", "Chunked" },
        { "latest_btree2_gzip_deep_i8", "int8", "Chunked" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Reads_every_element_h5py_wrote(string name, string type, string layout)
    {
        using var f = Hdf5File.Open(Path.Combine(_fx.Folder, name + ".h5"));
        var ds = f.Dataset("data");
        Assert.Equal(type, ds.Type.ToString());
        Assert.Equal(layout, ds.Layout.ToString());
        Assert.Equal(name, ds.Attribute("kind")!.AsString());
        Assert.Equal(name.StartsWith("latest_", StringComparison.Ordinal) ? 3 : 0, f.SuperblockVersion);
        Hdf5ChunkIndexKind expectedIndex = name switch
        {
            _ when name.StartsWith("latest_fixed", StringComparison.Ordinal) || name.StartsWith("latest_paged", StringComparison.Ordinal) => Hdf5ChunkIndexKind.FixedArray,
            _ when name.StartsWith("latest_single", StringComparison.Ordinal) => Hdf5ChunkIndexKind.SingleChunk,
            _ when name.StartsWith("latest_earray", StringComparison.Ordinal) => Hdf5ChunkIndexKind.ExtensibleArray,
            _ when name.StartsWith("latest_btree2", StringComparison.Ordinal) => Hdf5ChunkIndexKind.BTreeV2,
            _ when layout == "Chunked" => Hdf5ChunkIndexKind.BTreeV1,
            _ => Hdf5ChunkIndexKind.None,
        };
        Assert.Equal(expectedIndex, ds.ChunkIndex);
        double[] all = ds.ReadAllAsDouble();
        Assert.Equal(ds.Shape.Aggregate(1L, (a, b) => a * b), all.LongLength);
        for (long i = 0; i < all.LongLength; i++)
            Assert.True(all[i] == Expected(ds.Shape, i), $"{name}: element {i} is {all[i]}, expected {Expected(ds.Shape, i)}");

        // Row ranges that straddle chunk edges read the same values.
        long rows = ds.Rows;
        var part = new byte[3 * ds.RowBytes];
        long first = Math.Min(rows - 3, 4);
        ds.ReadRows(first, 3, part);
        for (long i = 0; i < 3 * ds.RowElements; i++)
            Assert.Equal(Expected(ds.Shape, first * ds.RowElements + i), Hdf5ElementsForTests.Read(part, i, ds.Type));
    }

    [SkippableFact]
    public void Reads_attributes_of_every_kind_and_nested_groups()
    {
        foreach (string name in new[] { "contig_f32", "latest_fixed_gzip_f32" })
        {
            using var f = Hdf5File.Open(Path.Combine(_fx.Folder, name + ".h5"));
            var attrs = f.Attributes.ToDictionary(a => a.Name);
            Assert.Equal(23, attrs["count"].AsDouble());
            Assert.Equal(0.5, attrs["scale"].AsDouble());
            Assert.Equal("fixed-text", attrs["fixed"].AsString());
            Assert.Equal(["3", "4", "5"], attrs["dims"].Strings());
            Assert.Contains("/group/inner", f.Groups);
            Assert.Equal("nested", f.GroupAttributes("/group/inner").Single(a => a.Name == "note").AsString());
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), f.Dataset("/group/inner/small").ReadAllAsInt64());
        }
    }

    [SkippableFact]
    public void Reads_the_challenge_layout()
    {
        using var f = Hdf5File.Open(Path.Combine(_fx.Folder, "sisap_like.h5"));
        var emb = f.Dataset("emb");
        Assert.Equal(new long[] { 40, 12 }, emb.Shape);
        Assert.Equal(new long[] { 10, 12 }, emb.ChunkShape);
        Assert.Equal([Hdf5Filter.Deflate], emb.Filters);
        var row = new float[2 * 12];
        emb.ReadRowsAsFloat(17, 2, row);
        for (int i = 0; i < row.Length; i++) Assert.Equal(Expected([40, 12], 17 * 12 + i), row[i]);
        Assert.Equal("bruteforce", f.Attributes.Single(a => a.Name == "algo").AsString());
    }

    [SkippableFact]
    public void Reads_dense_links_and_dense_attributes()
    {
        using var f = Hdf5File.Open(Path.Combine(_fx.Folder, "many_links_latest.h5"));
        for (int i = 0; i < 20; i++)
            Assert.Equal(new long[] { i, i + 1, i + 2 }, f.Dataset($"d{i}").ReadAllAsInt64());
        var subgroups = f.Groups.Where(g => g.StartsWith("/big/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"/big/sub{i:000}"), subgroups);
        var attrs = f.Dataset("d0").Attributes.ToDictionary(a => a.Name);
        Assert.Equal(31, attrs.Count);
        for (int i = 0; i < 30; i++) Assert.Equal(i * 7, attrs[$"a{i:00}"].AsDouble());
        Assert.Equal(new string('x', 3000), attrs["long"].AsString());
        var root = f.Attributes.ToDictionary(a => a.Name);
        for (int i = 0; i < 12; i++) Assert.Equal($"root {i}", root[$"r{i:00}"].AsString());
    }
}

internal static class Hdf5ElementsForTests
{
    public static double Read(byte[] data, long index, Hdf5DataType type) => Trawl.Formats.Hdf5.Hdf5Elements.ReadDouble(data, index, type);
}
