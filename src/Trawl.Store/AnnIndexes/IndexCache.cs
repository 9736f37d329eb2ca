using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;
using Trawl.Vectors.Indexes;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// The open index of each vector set of one dataset, for searches that run many times (the server,
/// query files): opened once, reopened when its registry row or the set's checksum changes. Replaced
/// indexes stay open until the cache is disposed, so searches running on them finish safely.
/// A stale or unreadable index yields null and one warning per change. Thread-safe.
/// </summary>
internal sealed class IndexCache : IDisposable
{
    private sealed record Entry(string Key, IVectorIndex? Index, string? Warning);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IVectorIndex> _retired = [];
    private bool _disposed;

    /// <summary>The set's current index, or null (none, stale or unreadable: <paramref name="warning"/> says why for the last two).</summary>
    public IVectorIndex? Get(Dataset dataset, VectorSetInfo set, out string? warning)
    {
        var info = DatasetIndexes.Find(dataset, set.Name);
        string key = info is null ? "" : $"{info.File}|{info.BuiltAt}|{info.VectorSetChecksum}|{set.Checksum}|{info.SizeBytes}";
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open.TryGetValue(set.Name, out var cached) && cached.Key == key)
            {
                warning = cached.Warning;
                return cached.Index;
            }
            string? said = null;
            IVectorIndex? index = info is null ? null : DatasetIndexes.Open(dataset, set.Name, required: false, warn: w => said = w);
            if (cached?.Index is not null) _retired.Add(cached.Index);
            _open[set.Name] = new Entry(key, index, said);
            warning = said;
            return index;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var e in _open.Values) e.Index?.Dispose();
            foreach (var i in _retired) i.Dispose();
            _open.Clear();
            _retired.Clear();
        }
    }
}
