namespace Trawl.Store.Related;

/// <summary>The row a foreign-key value points at (its position in the other table) and that row's label, null when
/// the other table has no label column or the label is NULL.</summary>
public sealed record KeyTarget(long RowId, string? Label);
