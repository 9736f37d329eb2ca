using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Trawl.Bench.Reporting;

/// <summary>
/// Prints figures as JSON lines on stdout as they are measured (and to a file, if asked), and a
/// human summary table on stderr at the end, so that stdout stays machine-readable.
/// </summary>
internal sealed class BenchReport : IDisposable
{
    private readonly List<(BenchFigure Figure, string? Target)> _figures = [];
    private readonly List<string> _notes = [];
    private readonly StreamWriter? _file;

    public BenchReport(string? outputPath)
    {
        if (outputPath is not null)
            _file = new StreamWriter(outputPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>Writes a raw JSON object as one line.</summary>
    public void WriteLine(Action<Utf8JsonWriter> writeObject)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            writeObject(json);
            json.WriteEndObject();
        }
        Emit(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Records a figure; <paramref name="target"/> is shown in the summary ("≤ 1.0 ratio").</summary>
    public void Add(BenchFigure figure, string? target = null)
    {
        _figures.Add((figure, target));
        WriteLine(json =>
        {
            json.WriteString("bench", figure.Bench);
            json.WriteString("what", figure.What);
            WriteNumber(json, "figure", figure.Figure);
            json.WriteString("unit", figure.Unit);
            if (figure.Reference is null)
                json.WriteNull("reference");
            else
                json.WriteString("reference", figure.Reference);
            WriteNumber(json, "reference_figure", figure.ReferenceFigure);
            WriteNumber(json, "ratio", figure.Ratio);
        });
    }

    /// <summary>A line of the summary that is not a figure (what was not measured, and why).</summary>
    public void Note(string text)
    {
        _notes.Add(text);
        Progress("note: " + text);
    }

    public static void Progress(string text) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {text}");

    public void PrintSummary()
    {
        var e = Console.Error;
        e.WriteLine();
        e.WriteLine($"{"what",-34} {"trawl",12} {"reference",12} {"ratio",7}  {"target",-16} reference system");
        foreach (var (f, target) in _figures)
        {
            string unit = f.Unit;
            e.WriteLine($"{f.What,-34} {Format(f.Figure) + " " + unit,12} {(f.ReferenceFigure is { } r ? Format(r) + " " + unit : ""),12} {(f.Ratio is { } q ? q.ToString("0.00", CultureInfo.InvariantCulture) : ""),7}  {target ?? "",-16} {f.Reference ?? ""}");
        }
        foreach (string n in _notes)
            e.WriteLine("note: " + n);
    }

    public void Dispose() => _file?.Dispose();

    private void Emit(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
        _file?.WriteLine(line);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            json.WriteNumber(name, Math.Round(v, 4));
        else
            json.WriteNull(name);
    }

    private static string Format(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 10 ? v.ToString("0.0", CultureInfo.InvariantCulture)
        : v.ToString("0.00", CultureInfo.InvariantCulture);
}
