using System.Diagnostics;

namespace Trawl.Store.Ingest;

/// <summary>Wall and CPU time per <see cref="IngestPhase"/>: starting a phase ends the one before.</summary>
internal sealed class IngestPhaseClock
{
    private readonly List<IngestPhaseTime> _done = [];
    private readonly Stopwatch _clock = new();
    private TimeSpan _cpuAtStart;
    private IngestPhase? _current;

    public void Start(IngestPhase phase)
    {
        Stop();
        _current = phase;
        _cpuAtStart = ProcessCpu();
        _clock.Restart();
    }

    public void Stop()
    {
        if (_current is { } phase)
            Add(new IngestPhaseTime(phase, _clock.Elapsed, ProcessCpu() - _cpuAtStart));
        _current = null;
    }

    /// <summary>Adds time measured elsewhere (merged with an earlier entry of the same phase).</summary>
    public void Add(IngestPhaseTime time)
    {
        int i = _done.FindIndex(p => p.Phase == time.Phase);
        if (i >= 0)
            _done[i] = _done[i] with { Elapsed = _done[i].Elapsed + time.Elapsed, Cpu = _done[i].Cpu + time.Cpu };
        else
            _done.Add(time);
    }

    public IReadOnlyList<IngestPhaseTime> Phases => _done.ToList();

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
