namespace Trawl.Bench.Measurement;

/// <summary>
/// Polls the bytes used by some files and folders (a folder counts every file below it) on a background thread,
/// keeping the highest total seen, so that a step's peak extra disk use (temporary copies, journals, WAL) can be
/// set beside what it added for good. A peak shorter than the poll interval may be missed.
/// </summary>
internal sealed class DiskUseWatcher : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly string[] _paths;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    private DiskUseWatcher(string[] paths)
    {
        _paths = paths;
        Before = Measure(paths);
        _peak = Before;
        _thread = new Thread(Poll) { IsBackground = true, Name = "disk use watcher" };
        _thread.Start();
    }

    /// <summary>Bytes used when watching started.</summary>
    public long Before { get; }

    public static DiskUseWatcher Start(params string[] paths) => new(paths);

    /// <summary>Stops and returns (peak extra bytes over <see cref="Before"/>, bytes added at the end).</summary>
    public (long PeakExtra, long Added) Stop()
    {
        _stop = true;
        _thread.Join();
        long after = Measure(_paths);
        long peak = Math.Max(Interlocked.Read(ref _peak), after);
        return (peak - Before, after - Before);
    }

    public static long Measure(IEnumerable<string> paths)
    {
        long total = 0;
        foreach (string p in paths)
        {
            try
            {
                if (Directory.Exists(p))
                    total += new DirectoryInfo(p).EnumerateFiles("*", SearchOption.AllDirectories).Sum(SizeOf);
                else if (File.Exists(p))
                    total += new FileInfo(p).Length;
            }
            catch (IOException)
            {
                // A file renamed or deleted while listed: the next poll sees the new state.
            }
        }
        return total;
    }

    private static long SizeOf(FileInfo f)
    {
        try
        {
            f.Refresh();
            return f.Exists ? f.Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void Poll()
    {
        while (!_stop)
        {
            long now = Measure(_paths);
            if (now > Interlocked.Read(ref _peak))
                Interlocked.Exchange(ref _peak, now);
            Thread.Sleep(PollInterval);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
