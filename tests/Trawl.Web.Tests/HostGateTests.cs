using Trawl.Web.Http;

namespace Trawl.Web.Tests;

public sealed class HostGateTests
{
    [Fact]
    public async Task A_host_gets_at_most_its_limit_at_once_and_its_gate_goes_when_idle()
    {
        var gate = new HostGate(2);
        int inFlight = 0, most = 0;
        var tasks = Enumerable.Range(0, 40).Select(async i =>
        {
            using (await gate.EnterAsync(i % 2 == 0 ? "a.example" : "A.EXAMPLE", CancellationToken.None))
            {
                int now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                await Task.Delay(2);
                Interlocked.Decrement(ref inFlight);
            }
        }).ToList();
        // Hosts whose requests are all done hold nothing.
        var others = Enumerable.Range(0, 500).Select(async i =>
        {
            using (await gate.EnterAsync($"host{i}.example", CancellationToken.None))
                await Task.Yield();
        });
        await Task.WhenAll(tasks.Concat(others));
        Assert.Equal(2, most);
        Assert.Equal(0, gate.ActiveHosts);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_no_gate_behind()
    {
        var gate = new HostGate(1);
        var held = await gate.EnterAsync("h", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync("h", cancel.Token);
        Assert.Equal(1, gate.ActiveHosts);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        held.Dispose();
        Assert.Equal(0, gate.ActiveHosts);
        using (await gate.EnterAsync("h", CancellationToken.None))
            Assert.Equal(1, gate.ActiveHosts);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
