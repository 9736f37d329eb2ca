namespace Trawl.Store.Queries;

/// <summary>One bin [Low, High) of a histogram (the last bin includes High).</summary>
public sealed record HistogramBin(double Low, double High, long Count);

/// <summary>The distribution of a numeric column among the matching rows.</summary>
public sealed record Histogram(string Column, IReadOnlyList<HistogramBin> Bins, double? Min, double? Max, long NullCount);
