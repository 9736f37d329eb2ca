using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Trawl.Cli.Output;

/// <summary>
/// Writes JSON to a <see cref="TextWriter"/>: whole documents or one line per record. Non-ASCII
/// text stays readable (café, 東京); control characters are escaped as JSON requires.
/// </summary>
internal sealed class JsonOutput
{
    private static readonly JsonWriterOptions LineOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly JsonWriterOptions DocumentOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    private readonly TextWriter _out;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public JsonOutput(TextWriter output) => _out = output;

    /// <summary>Writes one compact JSON value followed by a newline.</summary>
    public void WriteLine(Action<Utf8JsonWriter> write) => Write(write, LineOptions);

    /// <summary>Writes one indented JSON document followed by a newline.</summary>
    public void WriteDocument(Action<Utf8JsonWriter> write) => Write(write, DocumentOptions);

    private void Write(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer, options))
            write(writer);
        _out.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _out.Write('\n');
    }

    /// <summary>Writes a stored value by the Store's one rule (<see cref="Trawl.Store.Datasets.StoredValueJson"/>).</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value) => Trawl.Store.Datasets.StoredValueJson.Write(writer, value);

    /// <summary>Writes an object whose properties are <paramref name="columns"/> with the row's values.</summary>
    public static void WriteRowObject(Utf8JsonWriter writer, IReadOnlyList<string> columns, object?[] row)
    {
        writer.WriteStartObject();
        for (int i = 0; i < columns.Count; i++)
        {
            writer.WritePropertyName(columns[i]);
            WriteValue(writer, i < row.Length ? row[i] : null);
        }
        writer.WriteEndObject();
    }

    public static void WriteRowArray(Utf8JsonWriter writer, object?[] row)
    {
        writer.WriteStartArray();
        foreach (object? v in row)
            WriteValue(writer, v);
        writer.WriteEndArray();
    }

    public static void WriteStrings(Utf8JsonWriter writer, string property, IEnumerable<string> values)
    {
        writer.WriteStartArray(property);
        foreach (string v in values)
            writer.WriteStringValue(v);
        writer.WriteEndArray();
    }
}
