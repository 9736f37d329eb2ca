using System.Globalization;
using Trawl.Store.AnnIndexes;

namespace Trawl.Cli.Progress;

/// <summary>
/// Shows an index build's progress through <see cref="WorkProgress"/>: a progress bar (vectors added) on an
/// interactive stderr once it has taken longer than a second; a plain line every few seconds when
/// stderr is a file or pipe; nothing for quick builds.
/// </summary>
internal static class IndexProgressDisplay
{
    private static readonly ProgressView<IndexBuildProgress> View = new(
        BarText: (p, _) => Describe(p),
        LineText: (p, _) => Describe(p),
        // Only adding vectors has a count to show; training and saving are indeterminate.
        Amount: p => p.Phase == "add" && p.Total > 0 ? (p.Done, p.Total) : null,
        BarWidth: 24,
        Refresh: TimeSpan.FromMilliseconds(200));

    public static T Run<T>(CliTerminal terminal, Func<IProgress<IndexBuildProgress>, CancellationToken, T> work) =>
        WorkProgress.Run(terminal, View, work);

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
