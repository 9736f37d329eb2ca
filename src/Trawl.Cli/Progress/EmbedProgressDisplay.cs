using System.Globalization;
using Trawl.Store.Embeddings;

namespace Trawl.Cli.Progress;

/// <summary>Progress of <c>trawl embed</c> (rows/s of this run, failures) through <see cref="WorkProgress"/>.</summary>
internal static class EmbedProgressDisplay
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static readonly ProgressView<EmbedProgress> View = new(
        BarText: (p, t) => p.Publishing ? "writing the vector set"
            : $"{IngestProgressDisplay.Count(p.Done)}/{IngestProgressDisplay.Count(p.Total)} rows {Rate(p.Done - p.Resumed, t)}/s",
        LineText: Describe,
        Amount: p => p.Total > 0 ? (p.Done, p.Total) : null,
        BarWidth: 20,
        Refresh: TimeSpan.FromMilliseconds(200));

    internal static string Describe(EmbedProgress p, TimeSpan elapsed) => p.Publishing
        ? $"{p.Done.ToString("N0", C)} rows embedded; writing the vector set"
        : $"{p.Done.ToString("N0", C)} of {p.Total.ToString("N0", C)} rows ({p.Resumed.ToString("N0", C)} from an earlier run), "
          + $"{p.Missing.ToString("N0", C)} without a value, {p.Failed.ToString("N0", C)} failed, {Rate(p.Done - p.Resumed, elapsed)} rows/s";

    private static string Rate(long n, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? (n / elapsed.TotalSeconds).ToString("N0", C) : "0";
}
