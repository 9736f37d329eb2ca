namespace Trawl.Store.Ingest;

/// <summary>
/// Counts the values of one column while it is loaded, keyed by the 128-bit hash of the stored value, until
/// the column shows more than <see cref="Cap"/> distinct values; then it gives up and frees its memory.
/// Gives facet statistics and whole-table facet counts without scanning the table again.
/// </summary>
internal sealed class ValueCounter
{
    public const int Cap = 1000;

    private Dictionary<UInt128, Entry>? _entries = [];

    public sealed class Entry(object? value, long count)
    {
        public object? Value { get; } = value;
        public long Count { get; set; } = count;
    }

    /// <summary>True once the column had more than <see cref="Cap"/> distinct values.</summary>
    public bool Capped => _entries is null;

    public int Distinct => _entries?.Count ?? Cap + 1;

    public IEnumerable<Entry> Entries => _entries?.Values ?? Enumerable.Empty<Entry>();

    /// <summary>Counts one more of a value already seen; false when the value is new (call <see cref="Add"/>).</summary>
    public bool TryIncrement(UInt128 key)
    {
        if (_entries is null)
            return true;
        if (!_entries.TryGetValue(key, out var e))
            return false;
        e.Count++;
        return true;
    }

    public void Add(UInt128 key, object? value, long count)
    {
        if (_entries is null || count <= 0)
            return;
        if (_entries.TryGetValue(key, out var e))
        {
            e.Count += count;
            return;
        }
        _entries[key] = new Entry(value, count);
        if (_entries.Count > Cap)
            _entries = null;
    }

    public void GiveUp() => _entries = null;
}
