using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>
/// Writes a Parquet file row by row into a stream: a value (or null) for every column, then
/// <see cref="EndRow"/>; a row group is encoded and written each <see cref="ParquetWriterOptions.RowGroupRows"/>
/// rows; <see cref="Finish"/> writes the last one and the footer. Flat schema, every column OPTIONAL; data pages v1;
/// dictionary or plain encoding; Snappy, Zstd or no compression.
/// A full row group is encoded, compressed and written on a thread-pool thread while the caller fills the next one
/// (two sets of column buffers in turn), so memory holds two row groups at most and filling overlaps encoding; an
/// error while writing a row group is thrown by the next call that hands one over, or by <see cref="Finish"/>.
/// </summary>
public sealed class ParquetFileWriter : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly Stream _output;
    private readonly ParquetWriterOptions _options;
    private readonly IReadOnlyList<ParquetWriteColumn> _schema;
    private ColumnChunkBuffer[] _columns;
    // The other set of buffers: null while its row group is being written.
    private ColumnChunkBuffer[]? _spare;
    private Task<RowGroupRecord>? _pending;
    private readonly PageCompressor _compressor;
    private readonly List<RowGroupRecord> _rowGroups = [];
    private readonly long _start;
    private long _rows;
    private long _rowsInEarlierGroups;
    private bool _finished;

    private sealed record RowGroupRecord(int Rows, long TotalBytes, long FileOffset, ColumnChunkBuffer.Written[] Chunks);

    private ParquetFileWriter(Stream output, IReadOnlyList<ParquetWriteColumn> columns, ParquetWriterOptions options)
    {
        _output = output;
        _options = options;
        _schema = columns;
        _columns = NewBuffers();
        _compressor = new PageCompressor(options.Compression, options.ZstdLevel);
        _start = output.Position;
        output.Write(Magic);
    }

    private ColumnChunkBuffer[] NewBuffers() =>
        _schema.Select(c => new ColumnChunkBuffer(c, _options.Dictionary) { MaxDictionaryBytes = _options.MaxDictionaryBytes }).ToArray();

    /// <summary>Starts a file in <paramref name="output"/> (seekable or not; the writer tracks positions itself when it can).</summary>
    public static ParquetFileWriter Create(Stream output, IReadOnlyList<ParquetWriteColumn> columns, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("a Parquet file needs at least one column", nameof(columns));
        foreach (var c in columns) c.Validate();
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"column '{duplicate.Key}' appears twice", nameof(columns));
        options ??= new ParquetWriterOptions();
        options.Validate();
        if (!output.CanSeek) output = new PositionTrackingStream(output);
        return new ParquetFileWriter(output, columns, options);
    }

    public long RowsWritten => _rows;

    /// <summary>When set, row-group flushes add their phases' times here.</summary>
    internal ParquetWriteTimings? Timings { get; set; }

    public void WriteNull(int column) => _columns[column].AddNull();
    public void WriteInt64(int column, long value) => _columns[column].AddInt64(value);
    public void WriteBoolean(int column, bool value) => _columns[column].AddInt64(value ? 1 : 0);
    public void WriteDouble(int column, double value) => _columns[column].AddDouble(value);
    /// <summary>Text as UTF-8 bytes (also Binary columns).</summary>
    public void WriteBytes(int column, ReadOnlySpan<byte> value) => _columns[column].AddBytes(value);

    public void WriteString(int column, string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = max > 1024 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[max];
        int n = Encoding.UTF8.GetBytes(value, buffer);
        _columns[column].AddBytes(buffer[..n]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>
    /// Appends rows <paramref name="start"/>.. of <paramref name="values"/> to a column while each is null or of a kind
    /// the column stores as it is (integers and booleans in Int64/Timestamp/Boolean columns, doubles in Double columns,
    /// text, JSON or binary in byte columns); returns how many it took, so the caller converts or rejects the value that
    /// stopped it, and goes on. At most <see cref="RowsLeftInGroup"/> rows per column before <see cref="EndRows"/>.
    /// </summary>
    public int WriteValues(int column, ColumnValues values, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, values.Count);
        return _columns[column].AddRun(values, start, count);
    }

    /// <summary>Rows the row group being filled takes before it is written.</summary>
    public int RowsLeftInGroup => _options.RowGroupRows - (int)(_rows - _rowsInEarlierGroups);

    /// <summary>Ends a row: every column must have had exactly one value or null.</summary>
    public void EndRow() => EndRows(1);

    /// <summary>Ends <paramref name="count"/> rows: every column must have had exactly that many values or nulls since the last row ended.</summary>
    public void EndRows(int count)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, RowsLeftInGroup);
        int expected = (int)(_rows - _rowsInEarlierGroups) + count;
        foreach (var c in _columns)
            if (c.Rows != expected)
                throw new InvalidOperationException($"row {_rows + count - 1}: column '{c.Column.Name}' has {c.Rows - expected + count} values for {count} rows; every column needs one value or null per row");
        _rows += count;
        if (expected >= _options.RowGroupRows) FlushRowGroup();
    }

    /// <summary>Hands the filled buffers to the background writer and takes the other set (waiting for it if it is still being written).</summary>
    private void FlushRowGroup()
    {
        int rows = _columns[0].Rows;
        if (rows == 0) return;
        CompletePending();
        var full = _columns;
        _columns = _spare ?? NewBuffers();
        _spare = null;
        _rowsInEarlierGroups += rows;
        var timings = Timings;
        _pending = Task.Run(() => WriteRowGroup(full, rows, timings));
    }

    /// <summary>Waits for the row group being written, records it and takes its buffers back as the spare set.</summary>
    private void CompletePending()
    {
        if (_pending is null) return;
        var task = _pending;
        _pending = null;
        var record = task.GetAwaiter().GetResult();
        _rowGroups.Add(record);
    }

    private RowGroupRecord WriteRowGroup(ColumnChunkBuffer[] columns, int rows, ParquetWriteTimings? timings)
    {
        long t0 = timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        long offset = _output.Position;
        var chunks = new ColumnChunkBuffer.Written[columns.Length];
        long total = 0;
        for (int i = 0; i < columns.Length; i++)
        {
            chunks[i] = columns[i].Write(_output, _compressor, _options.PageRows, timings);
            total += chunks[i].UncompressedBytes;
            columns[i].Reset();
        }
        _spare = columns;
        if (timings is not null) Interlocked.Add(ref timings.Flush, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
        return new RowGroupRecord(rows, total, offset, chunks);
    }

    /// <summary>Writes the last row group and the footer. The stream is left open.</summary>
    public void Finish()
    {
        if (_finished) return;
        FlushRowGroup();
        CompletePending();
        var footer = new ArrayBufferWriter<byte>(4096);
        WriteFooter(new ThriftCompactWriter(footer));
        _output.Write(footer.WrittenSpan);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, footer.WrittenCount);
        _output.Write(length);
        _output.Write(Magic);
        _output.Flush();
        _finished = true;
    }

    private void WriteFooter(ThriftCompactWriter t)
    {
        t.PushStruct();
        t.I32(1, 1);
        t.ListOfStructs(2, _columns.Length + 1);
        t.PushStruct();
        t.String(4, "schema");
        t.I32(5, _columns.Length);
        t.EndStruct();
        foreach (var c in _columns)
        {
            t.PushStruct();
            t.I32(1, (int)c.PhysicalType);
            t.I32(3, 1); // OPTIONAL
            t.String(4, c.Column.Name);
            switch (c.Column.Type)
            {
                case ColumnType.Text or ColumnType.Json:
                    t.I32(6, 0); // UTF8
                    t.BeginStruct(10);
                    t.BeginStruct(1); // STRING
                    t.EndStruct();
                    t.EndStruct();
                    break;
                case ColumnType.Timestamp:
                    t.I32(6, 10); // TIMESTAMP_MICROS
                    t.BeginStruct(10);
                    t.BeginStruct(8); // TIMESTAMP
                    t.Bool(1, true);
                    t.BeginStruct(2);
                    t.BeginStruct(2); // MICROS
                    t.EndStruct();
                    t.EndStruct();
                    t.EndStruct();
                    t.EndStruct();
                    break;
            }
            t.EndStruct();
        }
        t.I64(3, _rows);
        t.ListOfStructs(4, _rowGroups.Count);
        foreach (var g in _rowGroups)
        {
            t.PushStruct();
            t.ListOfStructs(1, g.Chunks.Length);
            for (int i = 0; i < g.Chunks.Length; i++)
            {
                var w = g.Chunks[i];
                var c = _columns[i];
                t.PushStruct();
                t.I64(2, w.FirstPageOffset - _start);
                t.BeginStruct(3);
                t.I32(1, (int)c.PhysicalType);
                t.ListOfI32(2, w.Encodings);
                t.ListOfStrings(3, [c.Column.Name]);
                t.I32(4, _compressor.Codec);
                t.I64(5, g.Rows);
                t.I64(6, w.UncompressedBytes);
                t.I64(7, w.CompressedBytes);
                t.I64(9, w.DataOffset - _start);
                if (w.DictionaryOffset is { } d) t.I64(11, d - _start);
                t.BeginStruct(12);
                t.I64(3, w.NullCount);
                if (w.Max is not null) t.Binary(5, w.Max);
                if (w.Min is not null) t.Binary(6, w.Min);
                t.EndStruct();
                t.EndStruct();
                t.EndStruct();
            }
            t.I64(2, g.TotalBytes);
            t.I64(3, g.Rows);
            t.EndStruct();
        }
        t.String(6, _options.CreatedBy);
        t.EndStruct();
    }

    public void Dispose()
    {
        // A row group still being written must stop touching the stream and the compressor first; its error, if any,
        // was the caller's to see through Finish.
        try { _pending?.Wait(); } catch (AggregateException) { }
        _pending = null;
        _compressor.Dispose();
        _finished = true;
    }

    /// <summary>Counts bytes written so a pipe or socket works as well as a file.</summary>
    private sealed class PositionTrackingStream(Stream inner) : Stream
    {
        private long _position;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _position;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _position += buffer.Length;
        }
    }
}
