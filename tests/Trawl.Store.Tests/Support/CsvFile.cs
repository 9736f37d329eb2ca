using System.Globalization;
using System.Text;

namespace Trawl.Store.Tests.Support;

/// <summary>Writes CSV test inputs (RFC 4180 quoting; null becomes an empty field).</summary>
public static class CsvFile
{
    public static string Write(string path, IReadOnlyList<string> header, IEnumerable<object?[]> rows)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', header.Select(Quote))).Append('\n');
        foreach (var row in rows)
            sb.Append(string.Join(',', row.Select(v => Quote(Format(v))))).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    public static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
