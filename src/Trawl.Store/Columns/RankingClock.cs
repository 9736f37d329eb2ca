namespace Trawl.Store.Columns;

/// <summary>Wall and process CPU time spent on the ranking files, reported apart from the column files'.</summary>
internal sealed class RankingClock
{
    private readonly System.Diagnostics.Stopwatch _wall = new();
    private TimeSpan _cpuAtStart;

    public TimeSpan Elapsed => _wall.Elapsed;
    public TimeSpan Cpu { get; private set; }

    public void Start()
    {
        _cpuAtStart = DatasetColumns.ProcessCpu();
        _wall.Start();
    }

    public void Stop()
    {
        _wall.Stop();
        Cpu += DatasetColumns.ProcessCpu() - _cpuAtStart;
    }
}
