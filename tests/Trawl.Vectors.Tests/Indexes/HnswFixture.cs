using Trawl.Vectors.Indexes;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>One 20,000 × 64 clustered set with an HNSW16 index (cosine), built once for the HNSW tests.</summary>
public sealed class HnswFixture : IDisposable
{
    public const int Rows = 20_000, Dimension = 64, QueryCount = 200, K = 10;

    public HnswFixture()
    {
        Vectors = ClusteredVectors.Generate(seed: 1, Rows + QueryCount, Dimension, clusters: 100, spread: 1f);
        Data = VectorMatrix.FromFloat32(Vectors.AsSpan(0, Rows * Dimension), Dimension);
        Queries = Vectors.AsSpan(Rows * Dimension).ToArray();
        Index = VectorIndexFactory.Create("HNSW16", Data, VectorMetric.Cosine, new IndexBuildOptions { Seed = 7, EfConstruction = 100 });
        Index.Build();
        Truth = ClusteredVectors.Truth(Data, VectorMetric.Cosine, Queries, K);
    }

    public float[] Vectors { get; }
    public VectorMatrix Data { get; }
    public float[] Queries { get; }
    public IVectorIndex Index { get; }
    public long[][] Truth { get; }

    public void Dispose() => Index.Dispose();
}
