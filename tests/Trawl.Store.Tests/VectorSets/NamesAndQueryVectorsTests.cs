using Trawl.Formats.NumPy;
using Trawl.Store.Tests.Support;
using Trawl.Store.VectorSets;
using Trawl.Vectors;

namespace Trawl.Store.Tests.VectorSets;

public sealed class NamesAndQueryVectorsTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("ip", VectorMetric.InnerProduct)]
    [InlineData(" IP ", VectorMetric.InnerProduct)]
    [InlineData("inner_product", VectorMetric.InnerProduct)]
    [InlineData("dot", VectorMetric.InnerProduct)]
    [InlineData("Cosine", VectorMetric.Cosine)]
    [InlineData("l2", VectorMetric.L2)]
    public void Metric_names_parse_and_round_trip(string name, VectorMetric metric)
    {
        Assert.Equal(metric, VectorMetricNames.Parse(name));
        Assert.Equal(metric, VectorMetricNames.Parse(VectorMetricNames.Name(metric)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("euclid")]
    [InlineData("hamming")]
    public void Unknown_metric_names_are_a_user_error_naming_the_input(string name)
    {
        var e = Assert.Throws<UserErrorException>(() => VectorMetricNames.Parse(name, "--metric"));
        Assert.StartsWith("--metric must be ip, cosine or l2", e.Message);
    }

    [Fact]
    public void Element_type_names_round_trip_and_refuse_others()
    {
        foreach (var type in new[] { VectorElementType.Float16, VectorElementType.Float32, VectorElementType.Int8, VectorElementType.Bits })
            Assert.Equal(type, VectorElementTypeNames.Parse(VectorElementTypeNames.Name(type)));
        Assert.Equal(VectorElementType.Float16, VectorElementTypeNames.Parse("float16"));
        Assert.Throws<UserErrorException>(() => VectorElementTypeNames.Parse("f64"));
    }

    [Fact]
    public void A_json_vector_is_a_non_empty_array_of_finite_numbers()
    {
        Assert.Equal([0.5f, -1f, 3f], QueryVectors.FromJson("[0.5, -1, 3e0]", "--vector"));
        Assert.Contains("not valid JSON", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[0.1,", "--vector")).Message);
        Assert.Contains("JSON array", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("{\"a\": 1}", "--vector")).Message);
        Assert.Contains("empty", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[]", "--vector")).Message);
        Assert.Contains("item 1 (\"x\") is not a finite number", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[1, \"x\"]", "embedding_input")).Message);
        Assert.Contains("item 2 (1e999) is not a finite number", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[1, 2, 1e999]", "embedding_input")).Message);
        // Finite as a double but not as a float.
        Assert.Contains("item 0", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[1e300]", "x")).Message);
        Assert.StartsWith("embedding_input", Assert.Throws<UserErrorException>(() => QueryVectors.FromJson("[null]", "embedding_input")).Message);
    }

    [Fact]
    public void Npy_queries_read_float32_float16_and_float64_rows()
    {
        string f32 = _temp.File("q32.npy"), f16 = _temp.File("q16.npy"), f64 = _temp.File("q64.npy"), one = _temp.File("one.npy");
        NpyFile.Write<float>(f32, [1, 2, 3, 4, 5, 6], 2, 3);
        NpyFile.Write<Half>(f16, [(Half)1, (Half)2, (Half)3, (Half)4, (Half)5, (Half)6], 2, 3);
        NpyFile.Write<double>(f64, [1, 2, 3, 4, 5, 6], 2, 3);
        NpyFile.Write<float>(one, [7, 8, 9], 3);
        foreach (string path in new[] { f32, f16, f64 })
        {
            var q = QueryVectors.FromNpy(path, 3);
            Assert.Equal((2, 3), (q.Count, q.Dimension));
            Assert.Equal([1f, 2, 3, 4, 5, 6], q.Values);
        }
        var single = QueryVectors.FromNpy(one, null);
        Assert.Equal((1, 3), (single.Count, single.Dimension));
        Assert.Equal([7f, 8, 9], single.Values);
    }

    [Fact]
    public void Bad_npy_queries_are_user_errors_naming_the_file()
    {
        string ints = _temp.File("ints.npy"), nan = _temp.File("nan.npy"), wide = _temp.File("wide.npy"), cube = _temp.File("cube.npy");
        NpyFile.Write<int>(ints, [1, 2, 3, 4], 2, 2);
        NpyFile.Write<float>(nan, [1, float.NaN], 1, 2);
        NpyFile.Write<float>(wide, [1, 2, 3], 1, 3);
        NpyFile.Write<float>(cube, new float[8], 2, 2, 2);
        Assert.Contains("float32, float16 or float64", Assert.Throws<UserErrorException>(() => QueryVectors.FromNpy(ints, null)).Message);
        Assert.Contains("query 0 component 1", Assert.Throws<UserErrorException>(() => QueryVectors.FromNpy(nan, null)).Message);
        Assert.Contains("dimension 3 but the vectors have dimension 2", Assert.Throws<UserErrorException>(() => QueryVectors.FromNpy(wide, 2)).Message);
        Assert.Contains("2-d array", Assert.Throws<UserErrorException>(() => QueryVectors.FromNpy(cube, null)).Message);
        Assert.Contains("no such file", Assert.Throws<UserErrorException>(() => QueryVectors.FromNpy(_temp.File("none.npy"), null)).Message);
        // Truncated: the header promises more rows than the file holds.
        string cut = _temp.File("cut.npy");
        NpyFile.Write<float>(cut, new float[64], 16, 4);
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 20)]);
        var e = Assert.ThrowsAny<Exception>(() => QueryVectors.FromNpy(cut, null));
        Assert.Contains("cut.npy", e.Message);
        Assert.IsNotType<IndexOutOfRangeException>(e);
    }
}
