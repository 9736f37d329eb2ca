namespace Trawl.Web.Http;

/// <summary>
/// Politeness: at most a fixed number of requests in flight to any one host. A host's gate lives only while
/// requests to it are waiting or in flight, so a list over millions of hosts does not keep one gate per host.
/// </summary>
internal sealed class HostGate(int perHost)
{
    private readonly Dictionary<string, Entry> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hosts with a request waiting or in flight.</summary>
    public int ActiveHosts
    {
        get
        {
            lock (_hosts)
                return _hosts.Count;
        }
    }

    public async Task<IDisposable> EnterAsync(string host, CancellationToken cancel)
    {
        Entry entry;
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(host, out entry!))
                _hosts[host] = entry = new Entry(perHost);
            entry.Users++;
        }
        try
        {
            await entry.Gate.WaitAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            Leave(host, entry);
            throw;
        }
        return new Release(this, host, entry);
    }

    private void Leave(string host, Entry entry)
    {
        lock (_hosts)
        {
            if (--entry.Users == 0)
                _hosts.Remove(host);
        }
    }

    private sealed class Entry(int perHost)
    {
        public SemaphoreSlim Gate { get; } = new(perHost, perHost);

        /// <summary>Requests waiting for or holding the gate; guarded by the dictionary's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Release(HostGate owner, string host, Entry entry) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
                return;
            entry.Gate.Release();
            owner.Leave(host, entry);
        }
    }
}
