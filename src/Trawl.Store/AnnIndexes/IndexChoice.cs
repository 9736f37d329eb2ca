namespace Trawl.Store.AnnIndexes;

/// <summary>The index <see cref="IndexChooser"/> picked for a memory budget.</summary>
/// <param name="Factory">Factory string, e.g. "HNSW32" or "IVF2048,PQ48,Refine".</param>
/// <param name="EstimatedBytes">Memory the search is expected to need (index plus, for HNSW and Flat, the vectors).</param>
/// <param name="Reason">One line saying why.</param>
public sealed record IndexChoice(string Factory, long EstimatedBytes, string Reason);
