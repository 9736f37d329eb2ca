namespace Trawl.Vectors;

/// <summary>How two vectors are compared. The numeric values are written to vector set files as a hint.</summary>
public enum VectorMetric : byte
{
    /// <summary>Larger dot product is better.</summary>
    InnerProduct = 1,
    /// <summary>Larger cosine similarity is better; stored vectors need not be unit length.</summary>
    Cosine = 2,
    /// <summary>Smaller squared Euclidean distance is better.</summary>
    L2 = 3,
    /// <summary>Smaller number of differing bits is better (bit vectors only).</summary>
    Hamming = 4,
}
