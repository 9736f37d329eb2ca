namespace Trawl.Store.Embeddings;

/// <summary>What <see cref="DatasetEmbedder.Run"/> did.</summary>
/// <param name="Rows">Rows of the table, every one with a vector in the set.</param>
/// <param name="Encoded">Rows computed by this run.</param>
/// <param name="Resumed">Rows computed by an earlier, interrupted run and kept.</param>
/// <param name="Missing">Rows with no value (NULL or an empty path), given a zero vector.</param>
/// <param name="Failed">Rows whose image could not be read or decoded, given a zero vector; <see cref="Failures"/> lists them.</param>
/// <param name="AlreadyComplete">The set already existed with a vector for every row; nothing was computed.</param>
public sealed record EmbedReport(string Table, string Column, string VectorSet, int Dimension, long Rows, long Encoded, long Resumed,
    long Missing, long Failed, IReadOnlyList<EmbedFailure> Failures, bool AlreadyComplete, double Seconds)
{
    /// <summary>At most this many failures are kept in the report (the count is exact).</summary>
    public const int MaxListedFailures = 1000;
}
