namespace Trawl.Server.Hosting;

/// <summary>
/// Bounds the heavy work running at once (facets and histograms over a search or filters, SQL, kNN): a few slots
/// and a short queue. A request that finds the queue full, or waits longer than its deadline, is refused with
/// 503 and Retry-After instead of slowing every other request; light requests (a row, a plain page) never pass
/// through here, so they are never queued behind heavy ones.
/// </summary>
internal sealed class HeavyWorkGate
{
    private readonly SemaphoreSlim _slots;
    private readonly int _capacity;
    private int _admitted;

    public HeavyWorkGate(int slots, int queue)
    {
        if (slots < 1 || queue < 0)
            throw new ArgumentOutOfRangeException(nameof(slots), "at least one slot and a queue of zero or more");
        Slots = slots;
        _slots = new SemaphoreSlim(slots, slots);
        _capacity = slots + queue;
    }

    public int Slots { get; }

    /// <summary>Requests refused since the server started.</summary>
    public long Refused => Interlocked.Read(ref _refused);
    private long _refused;

    /// <summary>A slot, held until the returned value is disposed; a <see cref="ServerBusyException"/> when the queue
    /// is full or no slot frees up within <paramref name="maxWait"/>.</summary>
    public async Task<IDisposable> EnterAsync(TimeSpan maxWait, CancellationToken cancel)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            throw Busy();
        }
        bool entered = false;
        try
        {
            entered = await _slots.WaitAsync(maxWait, cancel);
        }
        finally
        {
            if (!entered)
                Interlocked.Decrement(ref _admitted);
        }
        if (!entered)
            throw Busy();
        return new Slot(this);
    }

    private ServerBusyException Busy()
    {
        Interlocked.Increment(ref _refused);
        return new ServerBusyException("the server is busy with other heavy requests; try again in a moment", TimeSpan.FromSeconds(1));
    }

    private sealed class Slot(HeavyWorkGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
                return;
            gate._slots.Release();
            Interlocked.Decrement(ref gate._admitted);
        }
    }
}
