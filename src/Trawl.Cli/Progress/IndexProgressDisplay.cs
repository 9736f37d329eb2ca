using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Output;
using Trawl.Store.Indexes;

namespace Trawl.Cli.Progress;

/// <summary>
/// Runs an index build on a worker thread and shows how it goes: a progress bar (rows added) on an
/// interactive stderr once it has taken longer than a second; a plain line every few seconds when
/// stderr is a file or pipe; nothing for quick builds.
/// </summary>
internal static class IndexProgressDisplay
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(5);

    public static T Run<T>(CliTerminal terminal, Func<IProgress<IndexBuildProgress>, CancellationToken, T> work)
    {
        Interrupts.StopCleanly();
        var progress = new LatestProgress<IndexBuildProgress>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task<T> task = Task.Factory.StartNew(() => work(progress, terminal.Cancel), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!Finished(task, QuietPeriod))
        {
            if (terminal.ErrIsTerminal)
                ShowBar(terminal, task, progress);
            else
                ShowPlainLines(terminal, task, progress, started);
        }
        return task.GetAwaiter().GetResult();
    }

    private static bool Finished(Task task, TimeSpan timeout) => Task.WaitAny([task], timeout) == 0;

    private static void ShowBar(CliTerminal terminal, Task task, LatestProgress<IndexBuildProgress> progress)
    {
        IAnsiConsole console = Screen.ForErr(terminal);
        console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask bar = ctx.AddTask("starting", maxValue: 1);
                while (!Finished(task, TimeSpan.FromMilliseconds(200)))
                {
                    if (progress.Latest is { } p)
                    {
                        bar.Description = Markup.Escape(Describe(p));
                        bar.IsIndeterminate = p.Phase != "add";
                        if (p.Total > 0)
                        {
                            bar.MaxValue = p.Total;
                            bar.Value = Math.Min(p.Done, p.Total);
                        }
                    }
                    ctx.Refresh();
                }
                bar.Value = bar.MaxValue;
            });
    }

    private static void ShowPlainLines(CliTerminal terminal, Task task, LatestProgress<IndexBuildProgress> progress, System.Diagnostics.Stopwatch started)
    {
        while (!Finished(task, PlainLineInterval))
        {
            if (progress.Latest is { } p)
            {
                terminal.Err.WriteLine($"trawl: {started.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s: {Describe(p)}");
                terminal.Err.Flush();
            }
        }
    }

    internal static string Describe(IndexBuildProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        return p.Phase switch
        {
            "train" => "training",
            "add" => $"adding {p.Done.ToString("N0", c)} of {p.Total.ToString("N0", c)} vectors",
            "save" => "saving",
            _ => p.Phase,
        };
    }
}
