namespace Trawl.Store.Queries;

/// <summary>Turns counts of whole cells into counts of their list elements or dates, so the column files and SQL
/// group the same way: a row counts once per distinct element of its list; cells that are not lists, and NULLs,
/// count for nothing. Most common first, ties by value (ordinal).</summary>
internal sealed class ListFacet
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void AddList(string cell, long rows)
    {
        if (ArrayText.Elements(cell) is not { } items)
            return;
        foreach (string item in items.Distinct(StringComparer.Ordinal))
            Add(item, rows);
    }

    public void Add(string value, long rows) =>
        _counts[value] = _counts.TryGetValue(value, out long n) ? n + rows : rows;

    public (List<FacetValue> Values, bool Truncated) Top(int limit)
    {
        var all = _counts.ToList();
        all.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        bool truncated = all.Count > limit;
        return (all.Take(limit).Select(kv => new FacetValue(kv.Key, kv.Value)).ToList(), truncated);
    }
}
