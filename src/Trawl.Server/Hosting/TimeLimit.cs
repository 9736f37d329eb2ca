namespace Trawl.Server.Hosting;

/// <summary>Waits for work that may be slow (counts, facets, histograms over many matches) no longer than the
/// server's limit: a page without a facet is better than a page that never comes. Work past the limit is stopped
/// through its cancellation token (the store interrupts SQLite) and its result is dropped.</summary>
internal static class TimeLimit
{
    /// <summary>(true, value) when <paramref name="task"/> finished within <paramref name="remaining"/>, otherwise
    /// (false, default). Errors from a task that finished in time are thrown as usual.</summary>
    public static async Task<(bool Done, T? Value)> WaitAsync<T>(Task<T> task, TimeSpan remaining, CancellationToken cancel = default)
    {
        if (!task.IsCompleted && remaining <= TimeSpan.Zero)
        {
            Observe(task);
            return (false, default);
        }
        try
        {
            return (true, await task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancel));
        }
        catch (TimeoutException)
        {
            Observe(task);
            return (false, default);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // The work's own deadline stopped it a moment before this wait's (the store reports it as cancelled,
            // whichever token it was given): the same outcome.
            return (false, default);
        }
    }

    /// <summary>Starts <paramref name="work"/> on the thread pool (the store's calls are synchronous); a cancelled
    /// <paramref name="stop"/> ends it as a cancelled task.</summary>
    public static Task<T> Start<T>(Func<CancellationToken, T> work, CancellationToken stop) => Task.Run(() => work(stop), stop);

    /// <summary>An abandoned task's failure must not surface later as an unobserved exception.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
