namespace Trawl.Store.Attributes;

/// <summary>What an attribute ingest did. Skipped records and spans are counted, with the first few named.</summary>
/// <param name="Table">The documents' table.</param>
/// <param name="Records">Attribute records read.</param>
/// <param name="Matched">Records whose id matched a document (and were applied).</param>
/// <param name="Unmatched">Records whose id matched no document (skipped).</param>
/// <param name="Duplicates">Records that repeat an id already given the same attribute in this run (skipped).</param>
/// <param name="InvalidSpans">Span attributes skipped because a span lies outside the text, runs backwards or overlaps another.</param>
/// <param name="SpansWritten">Spans stored.</param>
/// <param name="ColumnsAdded">Columns added to the table.</param>
/// <param name="Problems">The first skipped records, each naming the file, line and reason.</param>
public sealed record AttributeReport(
    string Table,
    long Records,
    long Matched,
    long Unmatched,
    long Duplicates,
    long InvalidSpans,
    long SpansWritten,
    IReadOnlyList<string> ColumnsAdded,
    IReadOnlyList<string> Problems,
    TimeSpan Elapsed);
