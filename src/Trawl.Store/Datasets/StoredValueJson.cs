using System.Globalization;
using System.Text.Json;

namespace Trawl.Store.Datasets;

/// <summary>
/// The one rule for a stored value in JSON, used by the API and by every <c>--json</c> of the CLI:
/// null, integers and finite reals as JSON null/numbers, text as strings, booleans as booleans,
/// non-finite reals as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers; a string keeps which one),
/// blobs as <c>{"$base64": true, "encoded": "..."}</c> (Datasette's shape, so a blob is never mistaken for text).
/// </summary>
public static class StoredValueJson
{
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case float f: writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture)); break;
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
}
