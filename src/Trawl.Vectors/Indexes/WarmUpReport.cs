namespace Trawl.Vectors.Indexes;

/// <summary>What <see cref="IVectorIndex.WarmUp"/> did: bytes hinted and populated, and how long it took.</summary>
public sealed record WarmUpReport(WarmUpMode Mode, long AdvisedBytes, long PopulatedBytes, long UpperLevelNodes, TimeSpan Elapsed);
