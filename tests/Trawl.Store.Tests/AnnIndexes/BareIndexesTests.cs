using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Tests.Support;
using Trawl.Vectors.Search;

namespace Trawl.Store.Tests.AnnIndexes;

public sealed class BareIndexesTests : IDisposable
{
    private const int Rows = 5000, Dim = 16, Queries = 100;
    private readonly TempDir _temp = new();
    private readonly string _base, _queries;
    private readonly float[] _baseData, _queryData;

    public BareIndexesTests()
    {
        _baseData = ClusteredVectors.Generate(Rows, Dim, seed: 1);
        _queryData = ClusteredVectors.Generate(Queries, Dim, seed: 2);
        _base = _temp.File("base.npy");
        _queries = _temp.File("queries.npy");
        NpyFile.Write<float>(_base, _baseData, Rows, Dim);
        NpyFile.Write<float>(_queries, _queryData, Queries, Dim);
    }

    public void Dispose() => _temp.Dispose();

    private static long[,] ReadIds(string path)
    {
        using var npy = NpyFile.Open(path);
        Assert.Equal(NpyFile.ElementType.Int32, npy.Type);
        var ids = new long[npy.Shape[0], npy.Shape[1]];
        for (int q = 0; q < npy.Shape[0]; q++)
        {
            var row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(npy.RowBytes(q));
            for (int i = 0; i < row.Length; i++) ids[q, i] = row[i];
        }
        return ids;
    }

    [Fact]
    public void Npy_base_index_and_knn_round_trip_matches_exact_search()
    {
        string index = _temp.File("base.hnsw");
        var report = BareIndexes.Build(_base, "HNSW16", index, Trawl.Vectors.VectorMetric.InnerProduct, new DatasetIndexBuildOptions { Seed = 1 });
        Assert.Equal(Rows, report.Rows);
        Assert.Equal(Dim, report.Dimension);
        Assert.True(File.Exists(index));

        string outPath = _temp.File("knns.npy");
        var search = BareIndexes.Search(_base, index, _queries, 10, outPath, new Trawl.Vectors.Indexes.IndexSearchOptions { Ef = 128 });
        Assert.Equal(Queries, search.Queries);
        Assert.Equal("ef 128", search.Settings);
        long[,] found = ReadIds(outPath);
        Assert.Equal(Queries, found.GetLength(0));
        Assert.Equal(10, found.GetLength(1));

        string exactOut = _temp.File("exact.npy");
        Assert.Equal("exact", BareIndexes.Search(_base, null, _queries, 10, exactOut).Settings);
        long[,] exact = ReadIds(exactOut);
        var truth = ExactSearch.Create(Trawl.Vectors.VectorMatrix.FromFloat32(_baseData, Dim), Trawl.Vectors.VectorMetric.InnerProduct)
            .SearchBatch(_queryData, 10);
        for (int q = 0; q < Queries; q++)
            for (int i = 0; i < 10; i++) Assert.Equal(truth[q].Ids[i], exact[q, i]);

        var f = Enumerable.Range(0, Queries).Select(q => (IReadOnlyList<long>)Enumerable.Range(0, 10).Select(i => found[q, i]).ToList()).ToList();
        var t = truth.Select(r => (IReadOnlyList<long>)r.Ids).ToList();
        Assert.True(Recall.AtK(f, t, 10) >= 0.95);
    }

    [Fact]
    public void Index_over_a_base_that_changed_is_refused()
    {
        string index = _temp.File("base.hnsw");
        BareIndexes.Build(_base, "HNSW8", index);
        _baseData[7] += 0.5f;
        NpyFile.Write<float>(_base, _baseData, Rows, Dim);
        var e = Assert.Throws<UserErrorException>(() => BareIndexes.Search(_base, index, _queries, 10, _temp.File("o.npy")));
        Assert.Contains("other vectors", e.Message);
        Assert.False(File.Exists(_temp.File("o.npy")));
    }

    [Fact]
    public void Queries_of_another_dimension_are_refused()
    {
        string index = _temp.File("base.hnsw");
        BareIndexes.Build(_base, "HNSW8", index);
        string q = _temp.File("q8.npy");
        NpyFile.Write<float>(q, new float[8 * 3], 3, 8);
        Assert.Contains("dimension 8", Assert.Throws<UserErrorException>(() => BareIndexes.Search(_base, index, q, 10, _temp.File("o.npy"))).Message);
    }

    [Fact]
    public void Base_that_is_not_a_float_matrix_is_refused()
    {
        string ints = _temp.File("ints.npy");
        NpyFile.Write<int>(ints, new int[40], 10, 4);
        Assert.Contains("float32 or float16", Assert.Throws<UserErrorException>(() => BareIndexes.Build(ints, "HNSW8", _temp.File("x.hnsw"))).Message);
        string flat = _temp.File("flat.npy");
        NpyFile.Write<float>(flat, new float[40], 40);
        Assert.Contains("2-D", Assert.Throws<UserErrorException>(() => BareIndexes.Build(flat, "HNSW8", _temp.File("x.hnsw"))).Message);
        Assert.Contains("no such file", Assert.Throws<UserErrorException>(() => BareIndexes.Build(_temp.File("none.npy"), "HNSW8", _temp.File("x.hnsw"))).Message);
    }

    [Fact]
    public void Truncated_base_is_a_data_error_naming_the_file()
    {
        byte[] bytes = File.ReadAllBytes(_base);
        File.WriteAllBytes(_base, bytes[..(bytes.Length - 100)]);
        var e = Assert.ThrowsAny<Exception>(() => BareIndexes.Build(_base, "HNSW8", _temp.File("x.hnsw")));
        Assert.True(e is Trawl.Formats.Tables.DataFormatException or UserErrorException, e.GetType().Name + ": " + e.Message);
        Assert.Contains("base.npy", e.Message);
    }

    [Fact]
    public void Corrupt_index_file_is_a_user_error()
    {
        string index = _temp.File("base.hnsw");
        BareIndexes.Build(_base, "HNSW8", index);
        byte[] bytes = File.ReadAllBytes(index);
        File.WriteAllBytes(index, bytes[..200]);
        var e = Assert.Throws<UserErrorException>(() => BareIndexes.Search(_base, index, _queries, 10, _temp.File("o.npy")));
        Assert.Contains("base.hnsw", e.Message);
    }
}
