namespace Trawl.Store.Related;

/// <summary>What <c>trawl count-names</c> made: the table of names and counts, the table searched, and the names
/// counted (with how many matched at least one row).</summary>
public sealed record NameCountReport(string Table, string SearchedTable, long Names, long NamesFound);
