namespace Trawl.Store.Embeddings;

/// <summary>A row whose image could not be read or decoded; its vector is all zeros (so it matches nothing).</summary>
public sealed record EmbedFailure(long Rowid, string Reason);
