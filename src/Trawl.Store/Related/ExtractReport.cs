namespace Trawl.Store.Related;

/// <summary>What <c>trawl extract</c> made: the lookup table, its rows (distinct values), the new key column and how
/// many rows of the table got a key.</summary>
public sealed record ExtractReport(string Table, string Column, string LookupTable, long LookupRows, string KeyColumn, long RowsLinked);
