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

    /// <summary>A row as an object (column → value) or an array of values.</summary>
    public static void WriteRow(Utf8JsonWriter writer, IReadOnlyList<string> columns, object?[] row, bool asArray)
    {
        if (asArray)
        {
            writer.WriteStartArray();
            foreach (object? v in row)
                Write(writer, v);
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        for (int i = 0; i < columns.Count && i < row.Length; i++)
        {
            writer.WritePropertyName(columns[i]);
            Write(writer, row[i]);
        }
        writer.WriteEndObject();
    }
}
