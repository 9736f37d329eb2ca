using System.Text;
using System.Text.Unicode;
using Trawl.Formats.Compression;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Csv;

/// <summary>
/// Streams a CSV or TSV file (optionally gzipped) as Text columns named by its header row.
/// An empty unquoted field is NULL; a quoted empty field (<c>""</c>) is an empty string. Blank
/// lines are skipped. The rules are in docs/formats.md.
/// </summary>
public sealed class CsvReader : ITableReader
{
    /// <summary>The read window's starting size; it doubles for records that do not fit.</summary>
    internal const int DefaultBufferSize = 256 << 10;

    private readonly SourceStream _source;
    private readonly SourceBuffer _buffer;
    private readonly byte _delimiter;
    private readonly int _maxRecordBytes;
    private readonly string[] _names;
    private readonly int[] _outputOf;
    private readonly CsvRecord _record;
    private long _line = 1;
    private long _row;
    // Source offset up to which the bytes are known to be valid UTF-8: checked a window at a time, not per record.
    private long _validEnd;

    private CsvReader(string path, TableReaderOptions options, byte delimiter, int bufferSize)
    {
        Path = path;
        _delimiter = delimiter;
        _maxRecordBytes = options.MaxRecordBytes;
        _source = SourceStream.Open(path);
        try
        {
            _buffer = new SourceBuffer(_source, bufferSize);
            SkipBom();
            _record = new CsvRecord(8) { Grow = true };
            if (!NextRecord(out int headerLength))
                throw new DataFormatException(path, "the file is empty: a header row is expected", line: 1, byteOffset: 0);
            _names = ColumnNames.MakeUnique(HeaderNames());
            Consume(headerLength);
            _record = new CsvRecord(_names.Length + 1);

            int[] picked = ColumnProjection.Resolve(path, _names, options.Columns);
            _outputOf = ColumnProjection.OutputPositions(_names.Length, picked);
            Schema = new TableSchema(picked.Select(i => new ColumnSchema(_names[i], ColumnType.Text)));
        }
        catch
        {
            _buffer?.Dispose();
            _source.Dispose();
            throw;
        }
    }

    /// <summary>Opens a comma-separated file.</summary>
    public static CsvReader OpenCsv(string path, TableReaderOptions? options = null) => new(path, options ?? new(), (byte)',', DefaultBufferSize);

    /// <summary>Opens a tab-separated file (quotes work as in CSV when a field starts with one).</summary>
    public static CsvReader OpenTsv(string path, TableReaderOptions? options = null) => new(path, options ?? new(), (byte)'\t', DefaultBufferSize);

    /// <summary>Opens a delimited file with any ASCII delimiter other than a quote or a line end (e.g. ';' or '|').</summary>
    public static CsvReader Open(string path, TableReaderOptions? options, char delimiter)
    {
        if (delimiter is '"' or '\r' or '\n' || delimiter > 127)
            throw new ArgumentException("the delimiter must be an ASCII character other than a quote or a line end", nameof(delimiter));
        return new(path, options ?? new(), (byte)delimiter, DefaultBufferSize);
    }

    /// <summary>For tests: any delimiter and window size.</summary>
    internal static CsvReader Open(string path, TableReaderOptions options, byte delimiter, int bufferSize) => new(path, options, delimiter, bufferSize);

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => null;
    public long BytesRead => _source.BytesRead;
    public long BytesTotal => _source.BytesTotal;

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        if (batch.Columns.Length != Schema.Count)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the schema has {Schema.Count}", nameof(batch));
        batch.Clear();
        batch.FirstRow = _row;
        while (batch.RowCount < maxRows && NextRecord(out int length))
        {
            if (IsBlankLine())
            {
                Consume(length);
                continue;
            }
            ReadOnlySpan<byte> data = _buffer.Data[..length];
            if (_record.FieldCount != _names.Length)
                throw Ragged();
            if (_buffer.Offset + length > _validEnd)
                CheckUtf8(length);
            AppendRow(batch, data);
            batch.SourceLines.Add(_line);
            batch.RowCount++;
            _row++;
            Consume(length);
        }
        return batch.RowCount > 0;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _source.Dispose();
    }

    /// <summary>Validates from the record to the last complete line in the window; throws when the record itself is bad.</summary>
    private void CheckUtf8(int recordLength)
    {
        ReadOnlySpan<byte> data = _buffer.Data;
        int chunk = Math.Max(recordLength, data.LastIndexOf((byte)'\n') + 1);
        if (Utf8.IsValid(data[..chunk]))
        {
            _validEnd = _buffer.Offset + chunk;
            return;
        }
        int bad = Utf8Errors.FirstInvalid(data[..chunk]);
        if (bad < recordLength)
            throw InvalidUtf8(data[..recordLength]);
        _validEnd = _buffer.Offset + bad;
    }

    private void AppendRow(ColumnBatch batch, ReadOnlySpan<byte> data)
    {
        var columns = batch.Columns;
        for (int f = 0; f < _names.Length; f++)
        {
            int output = _outputOf[f];
            if (output < 0)
                continue;
            var column = columns[output];
            ReadOnlySpan<byte> value = data[_record.Starts[f].._record.Ends[f]];
            byte flags = _record.Flags[f];
            if (flags == 0)
            {
                if (value.IsEmpty)
                    column.AppendNull();
                else
                    column.AppendText(value);
            }
            else if ((flags & CsvRecord.HasDoubledQuotes) == 0)
            {
                column.AppendText(value);
            }
            else
            {
                Span<byte> target = column.ReserveBytes(value.Length);
                column.CommitBytes(ValueKind.Text, Unescape(value, target));
            }
        }
    }

    /// <summary>Copies a quoted field's content with each doubled quote written once.</summary>
    private static int Unescape(ReadOnlySpan<byte> value, Span<byte> target)
    {
        int written = 0;
        while (true)
        {
            int q = value.IndexOf((byte)'"');
            if (q < 0)
            {
                value.CopyTo(target[written..]);
                return written + value.Length;
            }
            value[..(q + 1)].CopyTo(target[written..]);
            written += q + 1;
            value = value[(q + 2)..];
        }
    }

    /// <summary>Tokenizes the record at the start of the window, reading more as needed; false at the end of the data.</summary>
    private bool NextRecord(out int length)
    {
        while (true)
        {
            ReadOnlySpan<byte> data = _buffer.Data;
            if (data.IsEmpty && _buffer.AtEnd)
            {
                length = 0;
                return false;
            }
            int errorPosition = 0;
            var status = data.IsEmpty
                ? CsvTokenStatus.NeedMore
                : CsvTokenizer.Tokenize(data, _delimiter, _buffer.AtEnd, _record, out errorPosition);
            switch (status)
            {
                case CsvTokenStatus.Complete:
                    length = _record.Length;
                    if (length > _maxRecordBytes)
                        throw TooLarge();
                    return true;
                case CsvTokenStatus.NeedMore:
                    if (data.Length > _maxRecordBytes)
                        throw TooLarge();
                    _buffer.ReadMore();
                    continue;
                case CsvTokenStatus.UnterminatedQuote:
                    throw new DataFormatException(Path, "a quoted field has no closing quote before the end of the file",
                        line: _line, column: FieldName(_record.FieldCount), byteOffset: _buffer.Offset + errorPosition);
                default:
                    throw new DataFormatException(Path, $"unexpected text after a closing quote (byte '{(char)data[errorPosition]}'); a quote inside a quoted field must be doubled",
                        line: LineAt(data, errorPosition), column: FieldName(_record.FieldCount), byteOffset: _buffer.Offset + errorPosition);
            }
        }
    }

    private void Consume(int length)
    {
        _line += _record.Simple ? 1 : _buffer.Data[..length].Count((byte)'\n');
        _buffer.Advance(length);
    }

    private bool IsBlankLine() =>
        _record.FieldCount == 1 && _record.Flags[0] == 0 && _record.Starts[0] == _record.Ends[0];

    private void SkipBom()
    {
        while (_buffer.Data.Length < 3 && _buffer.ReadMore())
        {
        }
        if (_buffer.Data.StartsWith("\uFEFF"u8))
            _buffer.Advance(3);
    }

    private List<string> HeaderNames()
    {
        ReadOnlySpan<byte> data = _buffer.Data[.._record.Length];
        if (!Utf8.IsValid(data))
            throw InvalidUtf8(data, header: true);
        var names = new List<string>(_record.FieldCount);
        for (int f = 0; f < _record.FieldCount; f++)
        {
            ReadOnlySpan<byte> value = data[_record.Starts[f].._record.Ends[f]];
            string name = Encoding.UTF8.GetString(value);
            if ((_record.Flags[f] & CsvRecord.HasDoubledQuotes) != 0)
                name = name.Replace("\"\"", "\"", StringComparison.Ordinal);
            names.Add(name.Trim());
        }
        return names;
    }

    private string? FieldName(int field) => _names is not null && field < _names.Length ? _names[field] : null;

    private long LineAt(ReadOnlySpan<byte> data, int position) => _line + data[..position].Count((byte)'\n');

    private DataFormatException Ragged()
    {
        int found = _record.FieldCount;
        string problem = found > _names.Length
            ? $"the row has {found} fields; the header has {_names.Length} (is a field with a '{(char)_delimiter}' missing its quotes?)"
            : $"the row has {found} field{(found == 1 ? "" : "s")}; the header has {_names.Length}";
        string? column = found < _names.Length ? _names[found] : null;
        return new DataFormatException(Path, problem, line: _line, column: column, byteOffset: _buffer.Offset);
    }

    private DataFormatException InvalidUtf8(ReadOnlySpan<byte> data, bool header = false)
    {
        int bad = Math.Max(0, Utf8Errors.FirstInvalid(data));
        int field = 0;
        for (int f = 0; f < Math.Min(_record.FieldCount, _record.Capacity); f++)
        {
            if (bad >= _record.Starts[f])
                field = f;
        }
        string? column = header ? null : FieldName(field);
        return new DataFormatException(Path, $"invalid UTF-8 (byte 0x{data[bad]:X2}); save the file as UTF-8",
            line: LineAt(data, bad), column: column, byteOffset: _buffer.Offset + bad);
    }

    private DataFormatException TooLarge() =>
        new(Path, $"a record is larger than the limit of {_maxRecordBytes:N0} bytes (an unbalanced quote makes the rest of the file one field)",
            line: _line, byteOffset: _buffer.Offset);
}
