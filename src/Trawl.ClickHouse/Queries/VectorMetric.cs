namespace Trawl.ClickHouse.Queries;

/// <summary>How a kNN query over an Array(Float32) column ranks rows.</summary>
public enum VectorMetric
{
    /// <summary>Largest inner product first.</summary>
    InnerProduct,

    /// <summary>Smallest cosine distance (1 − cosine) first.</summary>
    Cosine,

    /// <summary>Smallest Euclidean distance first.</summary>
    L2,
}
