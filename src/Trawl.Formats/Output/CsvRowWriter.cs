using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Output;

/// <summary>
/// Writes rows as CSV (RFC 4180, LF line ends) with a header row. A field is quoted when it holds
/// the delimiter, a quote, CR or LF, or starts or ends with a space; NULL is an empty field and
/// an empty string is <c>""</c>, so <see cref="Csv.CsvReader"/> reads the output back unchanged.
/// Numbers use the invariant culture (doubles round-trip; NaN, Infinity, -Infinity); booleans
/// true/false; binary base64; JSON cells their JSON text.
/// </summary>
public sealed class CsvRowWriter : IRowWriter
{
    private const int FlushThreshold = 64 << 10;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte _delimiter;
    private readonly int _columnCount;
    private readonly SearchValues<byte> _needsQuotes;
    private byte[] _buffer = new byte[FlushThreshold * 2];
    private int _length;

    public CsvRowWriter(Stream output, TableSchema schema, char delimiter = ',', bool header = true, bool leaveOpen = false)
    {
        if (delimiter is '"' or '\r' or '\n' || delimiter > 127)
            throw new ArgumentException("the delimiter must be an ASCII character other than a quote or a line end", nameof(delimiter));
        _output = output;
        _leaveOpen = leaveOpen;
        _delimiter = (byte)delimiter;
        _columnCount = schema.Count;
        _needsQuotes = SearchValues.Create([_delimiter, (byte)'"', (byte)'\r', (byte)'\n']);
        if (header)
        {
            for (int c = 0; c < schema.Count; c++)
            {
                if (c > 0)
                    Put(_delimiter);
                string name = schema.Columns[c].Name;
                WriteField(Encoding.UTF8.GetBytes(name), emptyAsQuotes: false);
            }
            Put((byte)'\n');
        }
    }

    public void WriteBatch(ColumnBatch batch) => WriteRows(batch, 0, batch.RowCount);

    public void WriteRows(ColumnBatch batch, int firstRow, int count)
    {
        if (batch.Columns.Length != _columnCount)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the writer has {_columnCount}", nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (firstRow + count > batch.RowCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {firstRow}..{firstRow + count} are past the batch's {batch.RowCount}");
        for (int row = firstRow; row < firstRow + count; row++)
        {
            for (int c = 0; c < _columnCount; c++)
            {
                if (c > 0)
                    Put(_delimiter);
                WriteCell(batch.Columns[c], row);
            }
            Put((byte)'\n');
            if (_length >= FlushThreshold)
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
        if (!_leaveOpen)
            _output.Dispose();
    }

    private void WriteCell(ColumnValues column, int row)
    {
        switch (column.KindAt(row))
        {
            case ValueKind.Null:
                break;
            case ValueKind.Boolean:
                Put(column.Int64At(row) != 0 ? "true"u8 : "false"u8);
                break;
            case ValueKind.Int64:
            {
                Span<byte> span = Reserve(20);
                Utf8Formatter.TryFormat(column.Int64At(row), span, out int n);
                _length += n;
                break;
            }
            case ValueKind.Double:
            {
                Span<byte> span = Reserve(32);
                column.DoubleAt(row).TryFormat(span, out int n, default, CultureInfo.InvariantCulture);
                _length += n;
                break;
            }
            case ValueKind.Binary:
            {
                ReadOnlySpan<byte> bytes = column.BytesAt(row);
                Span<byte> span = Reserve(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
                Base64.EncodeToUtf8(bytes, span, out _, out int n);
                _length += n;
                break;
            }
            default:
                WriteField(column.BytesAt(row), emptyAsQuotes: true);
                break;
        }
    }

    private void WriteField(ReadOnlySpan<byte> value, bool emptyAsQuotes)
    {
        if (value.IsEmpty)
        {
            if (emptyAsQuotes)
                Put("\"\""u8);
            return;
        }
        bool quote = value.IndexOfAny(_needsQuotes) >= 0 || value[0] == (byte)' ' || value[^1] == (byte)' ';
        if (!quote)
        {
            Put(value);
            return;
        }
        Put((byte)'"');
        while (true)
        {
            int q = value.IndexOf((byte)'"');
            if (q < 0)
            {
                Put(value);
                break;
            }
            Put(value[..(q + 1)]);
            Put((byte)'"');
            value = value[(q + 1)..];
        }
        Put((byte)'"');
    }

    private void Put(byte b)
    {
        if (_length == _buffer.Length)
            Reserve(1);
        _buffer[_length++] = b;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Drain();
            if (_buffer.Length < count)
                _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        }
        return _buffer.AsSpan(_length, count);
    }

    private void Drain()
    {
        if (_length == 0)
            return;
        _output.Write(_buffer, 0, _length);
        _length = 0;
    }
}
