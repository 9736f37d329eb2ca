using System.Globalization;
using System.Text.Json;

namespace Trawl.ClickHouse.Engines;

/// <summary>Rows a statement returned: column names and types, and values typed by them (long, double, string,
/// object?[] for arrays, null). 64-bit integers come back as long whether the engine quoted them or not.</summary>
public sealed class QueryResult
{
    public QueryResult(IReadOnlyList<ColumnSpec> columns, IReadOnlyList<object?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>The first column of the first row as a long (for counts), or an error naming the statement.</summary>
    public long ScalarInt64() =>
        Rows.Count > 0 && Rows[0].Length > 0 && Rows[0][0] is { } v
            ? Convert.ToInt64(v, CultureInfo.InvariantCulture)
            : throw new ClickHouseException("expected one number, got no rows");

    /// <summary>Reads JSONCompact output; an error the engine met after the output began (it follows the first
    /// rows in the body) becomes a <see cref="ClickHouseException"/>.</summary>
    internal static QueryResult Read(string where, byte[] body)
    {
        try
        {
            return FromJsonCompact(body);
        }
        catch (JsonException e)
        {
            string text = System.Text.Encoding.UTF8.GetString(body);
            int at = text.LastIndexOf("Code: ", StringComparison.Ordinal);
            if (at < 0)
                throw new ClickHouseException($"{where}: unreadable JSONCompact answer ({e.Message}): {(text.Length > 600 ? text[..300] + " ... " + text[^300..] : text)}", 0, e);
            int end = text.IndexOf('"', at);
            throw ClickHouseException.FromServerText(where, end > at ? text[at..end] : text[at..]);
        }
    }

    /// <summary>Reads ClickHouse's JSONCompact output.</summary>
    internal static QueryResult FromJsonCompact(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
            return new QueryResult([], []);
        // chDB 26.5 can leave the partial output of a statement stopped by an error in front of the next statement's
        // output: of several documents, the last is the answer.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowMultipleValues = true });
        JsonDocument? doc = null;
        while (reader.Read())
        {
            doc?.Dispose();
            doc = JsonDocument.ParseValue(ref reader);
        }
        if (doc is null)
            return new QueryResult([], []);
        using var owned = doc;
        var root = doc.RootElement;
        var columns = new List<ColumnSpec>();
        foreach (var m in root.GetProperty("meta").EnumerateArray())
            columns.Add(new ColumnSpec(m.GetProperty("name").GetString()!, m.GetProperty("type").GetString()!));
        var rows = new List<object?[]>();
        foreach (var r in root.GetProperty("data").EnumerateArray())
        {
            var row = new object?[columns.Count];
            int i = 0;
            foreach (var cell in r.EnumerateArray())
            {
                if (i < row.Length)
                    row[i] = ReadCell(cell, columns[i].Type);
                i++;
            }
            rows.Add(row);
        }
        return new QueryResult(columns, rows);
    }

    internal static object? ReadCell(JsonElement cell, string type)
    {
        if (cell.ValueKind == JsonValueKind.Null)
            return null;
        type = Unwrap(type);
        if (type.StartsWith("Array(", StringComparison.Ordinal))
        {
            string inner = type[6..^1];
            var items = new List<object?>();
            foreach (var e in cell.EnumerateArray())
                items.Add(ReadCell(e, inner));
            return items.ToArray();
        }
        if (type.StartsWith("Int", StringComparison.Ordinal) || type.StartsWith("UInt", StringComparison.Ordinal))
            return cell.ValueKind == JsonValueKind.String
                ? long.Parse(cell.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                : cell.GetInt64();
        if (type.StartsWith("Float", StringComparison.Ordinal))
            return cell.ValueKind == JsonValueKind.String ? ParseFloat(cell.GetString()!) : cell.GetDouble();
        if (type == "Bool")
            return cell.ValueKind == JsonValueKind.True ? 1L : cell.ValueKind == JsonValueKind.False ? 0L : cell.GetInt64();
        return cell.ValueKind switch
        {
            JsonValueKind.String => cell.GetString(),
            JsonValueKind.Number => cell.TryGetInt64(out long l) ? l : cell.GetDouble(),
            JsonValueKind.True => 1L,
            JsonValueKind.False => 0L,
            _ => cell.GetRawText(),
        };
    }

    /// <summary>Nullable(T) and LowCardinality(T) read as T.</summary>
    internal static string Unwrap(string type)
    {
        while (true)
        {
            if (type.StartsWith("Nullable(", StringComparison.Ordinal))
                type = type[9..^1];
            else if (type.StartsWith("LowCardinality(", StringComparison.Ordinal))
                type = type[15..^1];
            else
                return type;
        }
    }

    private static double ParseFloat(string s) => s switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "-nan" => double.NaN,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };
}
