namespace Trawl.Vectors.Duplicates;

/// <summary>Two rows at least as similar as a threshold asked; <see cref="First"/> &lt; <see cref="Second"/>.</summary>
public readonly record struct SimilarPair(long First, long Second, float Similarity);
