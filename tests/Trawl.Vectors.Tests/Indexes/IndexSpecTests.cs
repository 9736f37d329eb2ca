using Trawl.Vectors.Indexes;

namespace Trawl.Vectors.Tests.Indexes;

public class IndexSpecTests
{
    [Theory]
    [InlineData("Flat", IndexKind.Flat, 0, 0, 0, false, "Flat")]
    [InlineData("HNSW32", IndexKind.Hnsw, 32, 0, 0, false, "HNSW32")]
    [InlineData("hnsw12", IndexKind.Hnsw, 12, 0, 0, false, "HNSW12")]
    [InlineData("IVF4096,PQ64", IndexKind.IvfPq, 0, 4096, 64, false, "IVF4096,PQ64")]
    [InlineData("IVF256, PQ16x8, Refine", IndexKind.IvfPq, 0, 256, 16, true, "IVF256,PQ16,Refine")]
    [InlineData("IVF1024,PQ32,RFlat", IndexKind.IvfPq, 0, 1024, 32, true, "IVF1024,PQ32,Refine")]
    [InlineData("HNSW32,SQ8", IndexKind.Hnsw, 32, 0, 0, false, "HNSW32,SQ8")]
    public void Parse_reads_each_kind_and_prints_the_canonical_string(string text, IndexKind kind, int m, int nlist, int pq, bool refine, string canonical)
    {
        IndexSpec spec = IndexSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(m, spec.M);
        Assert.Equal(nlist, spec.NList);
        Assert.Equal(pq, spec.SubQuantizers);
        Assert.Equal(refine, spec.Refine);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, IndexSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("HNSW", "'HNSW'")]
    [InlineData("HNSWx", "'HNSWx'")]
    [InlineData("HNSW1", "'HNSW1'")]
    [InlineData("HNSW99999999999", "'HNSW99999999999'")]
    [InlineData("IVF", "'IVF'")]
    [InlineData("IVF-3,PQ8", "'IVF-3'")]
    [InlineData("IVF4096", "after 'IVF4096'")]
    [InlineData("IVF4096,SQ8", "'SQ8'")]
    [InlineData("IVF4096,PQ", "'PQ'")]
    [InlineData("IVF4096,PQ64x4", "'PQ64x4'")]
    [InlineData("IVF4096,PQ64,Refine,Refine", "'Refine' is given twice")]
    [InlineData("IVF4096,PQ64,Rerank", "'Rerank'")]
    [InlineData("IVF4096,PQ64,", "an empty fragment")]
    [InlineData("HNSW32,Refine", "'Refine' only applies")]
    [InlineData("LSH", "'LSH'")]
    [InlineData("IVF16,PQ8,SQ8", "'SQ8' only applies to HNSW")]
    [InlineData("HNSW16,SQ8,SQ8", "'SQ8' is given twice")]
    public void Parse_errors_name_the_fragment_that_could_not_be_read(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => IndexSpec.Parse(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Create_refuses_a_product_quantiser_that_does_not_divide_the_dimension()
    {
        VectorMatrix data = VectorMatrix.FromFloat32(new float[10 * 30], 30);
        var error = Assert.Throws<ArgumentException>(() => VectorIndexFactory.Create("IVF4,PQ8", data, VectorMetric.L2));
        Assert.Contains("PQ8", error.Message);
        Assert.Contains("30", error.Message);
    }

    [Fact]
    public void Create_refuses_int8_and_bit_vectors_for_approximate_indexes()
    {
        VectorMatrix data = VectorMatrix.FromInt8(new sbyte[64], 16);
        var error = Assert.Throws<ArgumentException>(() => VectorIndexFactory.Create("HNSW16", data, VectorMetric.L2));
        Assert.Contains("Int8", error.Message);
    }
}
