namespace Trawl.Store.Related;

/// <summary>Rows of another table that point at one row: <see cref="Count"/> rows of <c>Key.Table</c> whose
/// <c>Key.Column</c> equals <see cref="Value"/> (the row's <c>Key.OtherColumn</c>). Null count: not counted in time.</summary>
public sealed record IncomingLink(ForeignKey Key, object Value, long? Count);
