namespace Trawl.Store.Ingest;

/// <summary>
/// Told by <see cref="TableLoader"/> which source rows became table rows, in table order, so that data kept
/// beside the table (vector sets) drops exactly the rows that --where and --dedupe dropped.
/// </summary>
internal interface IKeptRowSink
{
    /// <summary>Before any source: the target table and its row count so far (0 when created or replaced).</summary>
    void Start(string table, long existingRows, bool replacing);

    /// <summary>Source number <paramref name="sourceIndex"/> of the request starts; its row count when the format knows it.</summary>
    void BeginSource(int sourceIndex, long? rowCount);

    /// <summary>Source row <paramref name="sourceRow"/> (0-based) became the next table row.</summary>
    void Keep(long sourceRow);

    /// <summary>The source ended after <paramref name="rowsRead"/> rows.</summary>
    void EndSource(int sourceIndex, long rowsRead);
}
