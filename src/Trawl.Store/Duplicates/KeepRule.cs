namespace Trawl.Store.Duplicates;

/// <summary>
/// Which row of a cluster is kept (its <c>dup_of</c> stays null): the first (smallest rowid), or the one with
/// the largest value of a column (ties and nulls go to the smaller rowid). Parsed from <c>first</c> or <c>best:COLUMN</c>.
/// </summary>
public sealed record KeepRule(string? BestColumn)
{
    public static readonly KeepRule First = new((string?)null);

    public static KeepRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("first", StringComparison.OrdinalIgnoreCase)) return First;
        if (text.StartsWith("best:", StringComparison.OrdinalIgnoreCase) && text.Length > 5) return new KeepRule(text[5..]);
        throw new UserErrorException($"--keep '{text}': say 'first' or 'best:COLUMN' (e.g. best:aesthetic)");
    }

    public override string ToString() => BestColumn is null ? "first" : "best:" + BestColumn;
}
