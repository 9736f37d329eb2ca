namespace Trawl.Store.Embeddings;

/// <summary>How far <see cref="DatasetEmbedder"/> is: rows done of the table's rows (those from an earlier run
/// included), and how many of them had no value or an image that could not be read.</summary>
public sealed record EmbedProgress(long Done, long Total, long Resumed, long Missing, long Failed, bool Publishing = false);
