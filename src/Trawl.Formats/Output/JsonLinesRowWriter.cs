using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Output;

/// <summary>
/// Writes one JSON object per row and line. Int64 and finite doubles are numbers; NaN and the
/// infinities are the strings "NaN", "Infinity", "-Infinity"; text is a string (non-ASCII written
/// as is, not escaped); binary is a base64 string; JSON cells are embedded as JSON (or written as a
/// string when they are not valid JSON); NULL is null.
/// </summary>
public sealed class JsonLinesRowWriter : IRowWriter
{
    private const int FlushThreshold = 64 << 10;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly JsonEncodedText[] _names;
    private readonly ArrayBufferWriter<byte> _pending = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _writer;

    public JsonLinesRowWriter(Stream output, TableSchema schema, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        var encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        _names = schema.Columns.Select(c => JsonEncodedText.Encode(c.Name, encoder)).ToArray();
        _writer = new Utf8JsonWriter(_pending, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });
    }

    public void WriteBatch(ColumnBatch batch) => WriteRows(batch, 0, batch.RowCount);

    public void WriteRows(ColumnBatch batch, int firstRow, int count)
    {
        if (batch.Columns.Length != _names.Length)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the writer has {_names.Length}", nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (firstRow + count > batch.RowCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {firstRow}..{firstRow + count} are past the batch's {batch.RowCount}");
        for (int row = firstRow; row < firstRow + count; row++)
        {
            _writer.WriteStartObject();
            for (int c = 0; c < _names.Length; c++)
                WriteCell(batch.Columns[c], row, _names[c]);
            _writer.WriteEndObject();
            _writer.Flush();
            _pending.GetSpan(1)[0] = (byte)'\n';
            _pending.Advance(1);
            _writer.Reset(_pending);
            if (_pending.WrittenCount >= FlushThreshold)
                Drain();
        }
    }

    public void Flush()
    {
        Drain();
        _output.Flush();
    }

    public void Dispose()
    {
        Flush();
        _writer.Dispose();
        if (!_leaveOpen)
            _output.Dispose();
    }

    private void WriteCell(ColumnValues column, int row, JsonEncodedText name)
    {
        switch (column.KindAt(row))
        {
            case ValueKind.Null:
                _writer.WriteNull(name);
                break;
            case ValueKind.Boolean:
                _writer.WriteBoolean(name, column.Int64At(row) != 0);
                break;
            case ValueKind.Int64:
                _writer.WriteNumber(name, column.Int64At(row));
                break;
            case ValueKind.Double:
                double d = column.DoubleAt(row);
                if (double.IsFinite(d))
                    _writer.WriteNumber(name, d);
                else
                    _writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                break;
            case ValueKind.Text:
                WriteText(name, column.BytesAt(row));
                break;
            case ValueKind.Binary:
                _writer.WriteBase64String(name, column.BytesAt(row));
                break;
            case ValueKind.Json:
                ReadOnlySpan<byte> json = column.BytesAt(row);
                _writer.WritePropertyName(name);
                if (IsSingleJsonValue(json))
                    _writer.WriteRawValue(json, skipInputValidation: true);
                else
                    WriteTextValue(json);
                break;
        }
    }

    private void WriteText(JsonEncodedText name, ReadOnlySpan<byte> utf8)
    {
        _writer.WritePropertyName(name);
        WriteTextValue(utf8);
    }

    private void WriteTextValue(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
            _writer.WriteStringValue(utf8);
        else
            _writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(utf8)); // bad bytes become U+FFFD rather than failing the output
    }

    private static bool IsSingleJsonValue(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
            return false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read())
                return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Drain()
    {
        if (_pending.WrittenCount == 0)
            return;
        _output.Write(_pending.WrittenSpan);
        _pending.ResetWrittenCount();
    }
}
