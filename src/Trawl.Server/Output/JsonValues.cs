using System.Text.Encodings.Web;
using System.Text.Json;
using Trawl.Store.Datasets;

namespace Trawl.Server.Output;

/// <summary>Cell values and rows as JSON, by the Store's one rule (<see cref="StoredValueJson"/>).</summary>
internal static class JsonValues
{
    /// <summary>Non-ASCII text stays readable; responses are application/json with nosniff, never embedded in HTML.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>A stored value by the Store's one rule (<see cref="StoredValueJson"/>).</summary>
    public static void Write(Utf8JsonWriter writer, object? value) => StoredValueJson.Write(writer, value);

    /// <summary>A row as an object (column → value) or an array of values; text in <paramref name="jsonColumns"/>
    /// (Datasette's _json) is written as the JSON it holds when it is valid JSON, else as text.</summary>
    /// <param name="linked">Foreign-key columns whose values are written as Datasette's {"value": ..., "label": ...}
    /// (values that point at no row stay bare).</param>
    public static void WriteRow(Utf8JsonWriter writer, IReadOnlyList<string> columns, object?[] row, bool asArray, IReadOnlySet<string>? jsonColumns = null,
        IReadOnlyList<Views.LinkedColumn>? linked = null)
    {
        if (asArray)
            writer.WriteStartArray();
        else
            writer.WriteStartObject();
        for (int i = 0; i < columns.Count && i < row.Length; i++)
        {
            if (!asArray)
                writer.WritePropertyName(columns[i]);
            if (linked is { Count: > 0 } && linked.FirstOrDefault(l => l.Key.Column.Equals(columns[i], StringComparison.OrdinalIgnoreCase))?.Find(row[i]) is { } target)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("value");
                Write(writer, row[i]);
                writer.WriteString("label", target.Label);
                writer.WriteEndObject();
            }
            else if (jsonColumns is { Count: > 0 } && jsonColumns.Contains(columns[i]) && row[i] is string text && ParsedJson(text) is { } doc)
            {
                using (doc)
                    doc.RootElement.WriteTo(writer);
            }
            else
                Write(writer, row[i]);
        }
        if (asArray)
            writer.WriteEndArray();
        else
            writer.WriteEndObject();
    }

    private static JsonDocument? ParsedJson(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
