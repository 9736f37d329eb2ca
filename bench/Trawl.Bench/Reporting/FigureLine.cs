using System.Text.Json;

namespace Trawl.Bench.Reporting;

/// <summary>One figure as a JSON line on stdout (bench, what, figure, unit, reference, reference_figure, ratio, and
/// any extra fields), for the benchmarks that print their lines directly rather than through <see cref="BenchReport"/>.</summary>
internal static class FigureLine
{
    public static void Write(string bench, string what, double figure, string unit, string? reference, double? referenceFigure,
        double? ratio, Action<Utf8JsonWriter>? extra = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("bench", bench);
            w.WriteString("what", what);
            w.WriteNumber("figure", Math.Round(figure, 4));
            w.WriteString("unit", unit);
            if (reference is null) w.WriteNull("reference"); else w.WriteString("reference", reference);
            if (referenceFigure is { } rf) w.WriteNumber("reference_figure", Math.Round(rf, 4)); else w.WriteNull("reference_figure");
            if (ratio is { } r) w.WriteNumber("ratio", Math.Round(r, 3)); else w.WriteNull("ratio");
            extra?.Invoke(w);
            w.WriteEndObject();
        }
        Console.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
