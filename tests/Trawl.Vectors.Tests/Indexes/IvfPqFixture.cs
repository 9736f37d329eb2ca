using Trawl.Vectors.Indexes;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>The 20,000 × 64 clustered set of the HNSW tests with an IVF64,PQ16,Refine index (L2), built once.</summary>
public sealed class IvfPqFixture : IDisposable
{
    public const int Rows = 20_000, Dimension = 64, QueryCount = 200, K = 10;

    public IvfPqFixture()
    {
        float[] vectors = ClusteredVectors.Generate(seed: 1, Rows + QueryCount, Dimension, clusters: 100, spread: 1f);
        Data = VectorMatrix.FromFloat32(vectors.AsSpan(0, Rows * Dimension), Dimension);
        Queries = vectors.AsSpan(Rows * Dimension).ToArray();
        Index = VectorIndexFactory.Create("IVF64,PQ16,Refine", Data, VectorMetric.L2, new IndexBuildOptions { Seed = 3 });
        Index.Build();
        Truth = ClusteredVectors.Truth(Data, VectorMetric.L2, Queries, K);
    }

    public VectorMatrix Data { get; }
    public float[] Queries { get; }
    public IVectorIndex Index { get; }
    public long[][] Truth { get; }

    public void Dispose() => Index.Dispose();
}
