using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;
using Trawl.Vectors.Indexes;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// The open index of each vector set of one dataset, for searches that run many times (the server,
/// query files): opened once, reopened when its registry row or the set's checksum changes. Replaced
/// indexes stay open until the cache is disposed, so searches running on them finish safely.
/// A stale or unreadable index yields null and one warning per change. Thread-safe.
/// Each index opened is warmed up in the background (<see cref="IVectorIndex.WarmUp"/>): its index file and
/// vectors populated when they take at most half the machine's memory, else only hinted, so the first queries
/// after a server starts run at steady speed; disposal cancels the warm-ups and waits for them.
/// </summary>
internal sealed class IndexCache : IDisposable
{
    private sealed record Entry(string Key, IVectorIndex? Index, string? Warning);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IVectorIndex> _retired = [];
    private readonly List<Task> _warmUps = [];
    private readonly CancellationTokenSource _cancel = new();
    private bool _disposed;

    /// <summary>False turns the background warm-up off (tests of the cache itself).</summary>
    public bool WarmUpInBackground { get; init; } = true;

    /// <summary>The background warm-ups started so far (for tests).</summary>
    internal Task[] WarmUps
    {
        get
        {
            lock (_lock) return [.. _warmUps];
        }
    }

    /// <summary>Populate when the index and its vectors take at most half of the memory the process may use; else hints only.</summary>
    internal static WarmUpMode ModeFor(IVectorIndex index, long indexFileBytes)
    {
        long bytes = index.Data.Rows * index.Data.RowBytes + indexFileBytes;
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return memory > 0 && bytes <= memory / 2 ? WarmUpMode.Populate : WarmUpMode.Advise;
    }

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
            if (index is not null && WarmUpInBackground)
            {
                WarmUpMode mode = ModeFor(index, info!.SizeBytes);
                CancellationToken token = _cancel.Token;
                _warmUps.Add(Task.Factory.StartNew(() => WarmUp(index, mode, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }
            warning = said;
            return index;
        }
    }

    private static void WarmUp(IVectorIndex index, WarmUpMode mode, CancellationToken cancel)
    {
        try
        {
            index.WarmUp(mode, cancel);
        }
        catch (OperationCanceledException)
        {
            // The dataset is being closed.
        }
    }

    public void Dispose()
    {
        Task[] running;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            running = [.. _warmUps];
        }
        // The mappings must outlive the warm-ups reading them; a cancelled one stops within one 32 MB step.
        _cancel.Cancel();
        Task.WaitAll(running);
        _cancel.Dispose();
        lock (_lock)
        {
            foreach (var e in _open.Values) e.Index?.Dispose();
            foreach (var i in _retired) i.Dispose();
            _open.Clear();
            _retired.Clear();
        }
    }
}
