namespace Trawl.Store.Columns;

/// <summary>The row sets of the last few searches: a page asks for its rows, count, facets and histogram of the
/// same search, so the postings are read once. Cleared when the column files change.</summary>
internal sealed class SearchBitmapCache(int capacity)
{
    private readonly LinkedList<(string Key, (RowBitmap Rows, long Count) Value)> _entries = new();
    private readonly object _lock = new();

    public (RowBitmap Rows, long Count) GetOrAdd(string table, string match, Func<RowBitmap> load)
    {
        string key = table + "\u0000" + match;
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    _entries.Remove(node);
                    _entries.AddFirst(node);
                    return node.Value.Value;
                }
            }
        }
        var rows = load();
        var value = (rows, rows.Count());
        lock (_lock)
        {
            _entries.AddFirst((key, value));
            while (_entries.Count > capacity)
                _entries.RemoveLast();
        }
        return value;
    }

    public void Clear()
    {
        lock (_lock)
            _entries.Clear();
    }
}
