using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Output;

namespace Trawl.Cli.Progress;

/// <summary>
/// Runs long work on a worker thread and shows how it goes: a progress bar on an interactive stderr
/// once it has taken longer than a second; a plain line every few seconds when stderr is a file or
/// pipe; nothing for quick work. The work's own exception comes back unwrapped.
/// </summary>
internal static class WorkProgress
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(5);

    public static TResult Run<TProgress, TResult>(CliTerminal terminal, ProgressView<TProgress> view, Func<IProgress<TProgress>, CancellationToken, TResult> work)
        where TProgress : class
    {
        Interrupts.StopCleanly();
        var progress = new LatestProgress<TProgress>();
        var started = Stopwatch.StartNew();
        Task<TResult> task = Task.Factory.StartNew(() => work(progress, terminal.Cancel), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!Finished(task, QuietPeriod))
        {
            if (terminal.ErrIsTerminal)
                ShowBar(terminal, task, progress, view, started);
            else
                ShowPlainLines(terminal, task, progress, view, started);
        }
        // Rethrows the work's own exception, not an AggregateException.
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the task; unlike Task.Wait, a failed task does not throw here.</summary>
    private static bool Finished(Task task, TimeSpan timeout) => Task.WaitAny([task], timeout) == 0;

    private static void ShowBar<T>(CliTerminal terminal, Task task, LatestProgress<T> progress, ProgressView<T> view, Stopwatch started)
        where T : class
    {
        Screen.ForErr(terminal).Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = view.BarWidth }, new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask bar = ctx.AddTask("starting", maxValue: 1);
                while (!Finished(task, view.Refresh))
                {
                    if (progress.Latest is { } p)
                    {
                        bar.Description = Markup.Escape(view.BarText(p, started.Elapsed));
                        var amount = view.Amount(p);
                        bar.IsIndeterminate = amount is null;
                        if (amount is { } a)
                        {
                            bar.MaxValue = a.Total;
                            bar.Value = Math.Min(a.Done, a.Total);
                        }
                    }
                    ctx.Refresh();
                }
                bar.Value = bar.MaxValue;
            });
    }

    private static void ShowPlainLines<T>(CliTerminal terminal, Task task, LatestProgress<T> progress, ProgressView<T> view, Stopwatch started)
        where T : class
    {
        while (!Finished(task, PlainLineInterval))
        {
            if (progress.Latest is { } p)
            {
                terminal.Err.WriteLine($"trawl: {started.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s: {view.LineText(p, started.Elapsed)}");
                terminal.Err.Flush();
            }
        }
    }
}
