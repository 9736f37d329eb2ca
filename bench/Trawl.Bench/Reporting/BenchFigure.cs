namespace Trawl.Bench.Reporting;

/// <summary>One measured figure, with the reference system's figure from the same run when there is one.
/// <see cref="Ratio"/> is figure / reference figure.</summary>
internal sealed record BenchFigure(
    string Bench,
    string What,
    double Figure,
    string Unit,
    string? Reference = null,
    double? ReferenceFigure = null)
{
    public double? Ratio => ReferenceFigure is > 0 ? Figure / ReferenceFigure.Value : null;
}
