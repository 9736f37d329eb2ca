using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Trawl.Server.Output;

/// <summary>Cell values as JSON: numbers as numbers, blobs as {"$base64": true, "encoded": "..."} (Datasette's shape),
/// non-finite doubles as strings (JSON has no NaN).</summary>
internal static class JsonValues
{
    /// <summary>Non-ASCII text stays readable; responses are application/json with nosniff, never embedded in HTML.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case byte[] bytes:
                writer.WriteStartObject();
                writer.WriteBoolean("$base64", true);
                writer.WriteBase64String("encoded", bytes);
                writer.WriteEndObject();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

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
