namespace Trawl.Cli.Progress;

/// <summary>How <see cref="WorkProgress"/> shows one kind of progress report.</summary>
/// <param name="BarText">The bar's label (short: it shares an 80-column line with the bar).</param>
/// <param name="LineText">The plain line written every few seconds when stderr is not a terminal.</param>
/// <param name="Amount">Done and total for a determinate bar, or null for an indeterminate one.</param>
/// <param name="BarWidth">Width of the bar in columns.</param>
/// <param name="Refresh">How often the bar polls the latest report.</param>
internal sealed record ProgressView<T>(
    Func<T, TimeSpan, string> BarText,
    Func<T, TimeSpan, string> LineText,
    Func<T, (double Done, double Total)?> Amount,
    int BarWidth,
    TimeSpan Refresh);
