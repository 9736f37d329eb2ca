using System.Globalization;

namespace Trawl.Cli.Output;

/// <summary>Writes rows as RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.</summary>
internal sealed class CsvOutput
{
    private readonly TextWriter _out;

    public CsvOutput(TextWriter output) => _out = output;

    public void WriteHeader(IReadOnlyList<string> fields)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
                _out.Write(',');
            WriteField(fields[i]);
        }
        _out.Write("\r\n");
    }

    public void WriteRow(object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
                _out.Write(',');
            WriteField(Text(values[i]));
        }
        _out.Write("\r\n");
    }

    private void WriteField(string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _out.Write(field);
            return;
        }
        _out.Write('"');
        _out.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        _out.Write('"');
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => CellText.FormatDouble(d),
        byte[] bytes => Convert.ToBase64String(bytes),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
