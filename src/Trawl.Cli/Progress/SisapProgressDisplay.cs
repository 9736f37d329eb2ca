using System.Globalization;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Progress;

/// <summary>Shows the progress of the SISAP commands (gold, search-h5, project) through <see cref="WorkProgress"/>.</summary>
internal static class SisapProgressDisplay
{
    private static readonly ProgressView<SisapProgress> View = new(
        BarText: (p, _) => Describe(p),
        LineText: (p, _) => Describe(p),
        Amount: p => p.Total > 0 ? (p.Done, p.Total) : null,
        BarWidth: 24,
        Refresh: TimeSpan.FromMilliseconds(200));

    public static T Run<T>(CliTerminal terminal, Func<IProgress<SisapProgress>, CancellationToken, T> work) => WorkProgress.Run(terminal, View, work);

    private static string Describe(SisapProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        return p.Total > 0 ? $"{p.Stage} {p.Done.ToString("N0", c)} of {p.Total.ToString("N0", c)}" : p.Stage;
    }
}
