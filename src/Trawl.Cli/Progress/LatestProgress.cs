namespace Trawl.Cli.Progress;

/// <summary>
/// Keeps only the most recent report, on the reporting thread, for a display that polls it.
/// (<see cref="System.Progress{T}"/> would post every report to a thread pool instead.)
/// </summary>
internal sealed class LatestProgress<T> : IProgress<T> where T : class
{
    private T? _latest;

    public T? Latest => Volatile.Read(ref _latest);

    public void Report(T value) => Volatile.Write(ref _latest, value);
}
