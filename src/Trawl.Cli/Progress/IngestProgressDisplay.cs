using System.Globalization;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Progress;

/// <summary>
/// Shows an ingest's progress through <see cref="WorkProgress"/>: a progress bar (bytes of the source
/// read, rows per second) on an interactive stderr once the work has taken longer than a second;
/// a plain line every few seconds when stderr is a file or pipe; nothing for quick work.
/// </summary>
internal static class IngestProgressDisplay
{
    private static readonly ProgressView<IngestProgress> View = new(
        BarText: DescribeShort,
        LineText: Describe,
        // The bar follows bytes of the source while reading; other phases have no measure of their own.
        Amount: p => p.Phase == "read" && p.BytesTotal > 0 ? (p.BytesRead, p.BytesTotal) : null,
        BarWidth: 16,
        Refresh: TimeSpan.FromMilliseconds(150));

    public static IngestReport Run(CliTerminal terminal, Func<IProgress<IngestProgress>, CancellationToken, IngestReport> work) =>
        WorkProgress.Run(terminal, View, work);

    internal static string Describe(IngestProgress p, TimeSpan elapsed)
    {
        string source = Path.GetFileName(p.Source);
        double rate = elapsed.TotalSeconds > 0 ? p.RowsRead / elapsed.TotalSeconds : 0;
        string rows = p.RowsRead.ToString("N0", CultureInfo.InvariantCulture);
        return p.Phase switch
        {
            "read" when p.BytesTotal > 0 =>
                $"reading {source}: {rows} rows, {Bytes(p.BytesRead)} of {Bytes(p.BytesTotal)}, {rate.ToString("N0", CultureInfo.InvariantCulture)} rows/s",
            "read" => $"reading {source}: {rows} rows, {rate.ToString("N0", CultureInfo.InvariantCulture)} rows/s",
            "index" => $"building the full-text index ({rows} rows)",
            "stats" => "computing column statistics",
            _ => $"{p.Phase} {source}: {rows} rows",
        };
    }

    /// <summary>The same in about 50 characters, to leave room for the bar on an 80-column terminal.</summary>
    internal static string DescribeShort(IngestProgress p, TimeSpan elapsed)
    {
        string source = Path.GetFileName(p.Source);
        if (source.Length > 20)
            source = source[..19] + "…";
        double rate = elapsed.TotalSeconds > 0 ? p.RowsRead / elapsed.TotalSeconds : 0;
        return p.Phase switch
        {
            "read" when p.BytesTotal > 0 => $"{source} {Bytes(p.BytesRead)}/{Bytes(p.BytesTotal)} {Count(p.RowsRead)} rows {Count((long)rate)}/s",
            "read" => $"{source} {Count(p.RowsRead)} rows {Count((long)rate)}/s",
            "index" => $"full-text index, {Count(p.RowsRead)} rows",
            "stats" => "column statistics",
            _ => $"{p.Phase} {source}",
        };
    }

    /// <summary>A count in at most five characters: 950, 12.3k, 106k, 1.2M.</summary>
    internal static string Count(long n)
    {
        var c = CultureInfo.InvariantCulture;
        return n switch
        {
            < 1000 => n.ToString(c),
            < 10_000 => (n / 1000.0).ToString("0.0", c) + "k",
            < 1_000_000 => (n / 1000).ToString(c) + "k",
            < 10_000_000 => (n / 1_000_000.0).ToString("0.0", c) + "M",
            _ => (n / 1_000_000).ToString(c) + "M",
        };
    }

    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1)
        {
            v /= 1000;
            u++;
        }
        return u == 0 ? $"{bytes} B" : v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
