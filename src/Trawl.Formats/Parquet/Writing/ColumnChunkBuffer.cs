using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>
/// One column's values of the row group being written, then encoded into pages: a dictionary page plus
/// RLE_DICTIONARY data pages for text with few enough distinct values, PLAIN pages otherwise; definition
/// levels as RLE runs; min/max/null-count statistics. Buffers are reused from one row group to the next.
/// </summary>
internal sealed class ColumnChunkBuffer
{
    private readonly ParquetWriteColumn _column;
    private byte[] _defined = new byte[1024];
    private long[] _ints = new long[1024];
    private double[] _doubles = new double[1024];
    private byte[] _bytes = new byte[1 << 16];
    private int[] _offsets = new int[1025];
    private int[] _ids = new int[1024];
    private int _byteLength;
    private readonly ByteStringDictionary _dictionary = new();
    private bool _dictionaryOn;
    private long _intMin, _intMax;
    private double _doubleMin, _doubleMax;
    private bool _hasDoubleStat;
    private const int MaxStatBytes = 64;
    // The chunk's smallest and largest byte values so far (lengths -1 before the first), and whether a value was too
    // long to take part, which makes min/max inexact.
    private readonly byte[] _minBytes = new byte[MaxStatBytes], _maxBytes = new byte[MaxStatBytes];
    private int _minLength, _maxLength;
    private bool _longValueSeen;
    /// <summary>Values after which a chunk whose values are still more than 3/4 distinct gives up its dictionary.</summary>
    private const int DictionarySample = 16_384;

    public ColumnChunkBuffer(ParquetWriteColumn column, bool dictionary)
    {
        _column = column;
        DictionaryAllowed = dictionary && IsBytes;
        Reset();
    }

    public ParquetWriteColumn Column => _column;
    public int Rows { get; private set; }
    public int Values { get; private set; }
    private bool DictionaryAllowed { get; }
    private bool IsBytes => _column.Type is ColumnType.Text or ColumnType.Json or ColumnType.Binary;
    private bool IsInt => _column.Type is ColumnType.Int64 or ColumnType.Timestamp or ColumnType.Boolean;

    public ParquetPhysicalType PhysicalType => _column.Type switch
    {
        ColumnType.Boolean => ParquetPhysicalType.Boolean,
        ColumnType.Int64 or ColumnType.Timestamp => ParquetPhysicalType.Int64,
        ColumnType.Double => ParquetPhysicalType.Double,
        _ => ParquetPhysicalType.ByteArray,
    };

    public void Reset()
    {
        Rows = 0;
        Values = 0;
        _byteLength = 0;
        _offsets[0] = 0;
        _dictionary.Clear();
        _dictionaryOn = DictionaryAllowed;
        _intMin = long.MaxValue;
        _intMax = long.MinValue;
        _hasDoubleStat = false;
        _minLength = _maxLength = -1;
        _longValueSeen = false;
    }

    private void Define(byte present)
    {
        if (Rows == _defined.Length) Array.Resize(ref _defined, _defined.Length * 2);
        _defined[Rows++] = present;
    }

    public void AddNull() => Define(0);

    public void AddInt64(long v)
    {
        if (!IsInt) throw new InvalidOperationException($"column '{_column.Name}' holds {_column.Type}, not integers");
        Define(1);
        if (Values == _ints.Length) Array.Resize(ref _ints, _ints.Length * 2);
        _ints[Values++] = v;
        if (v < _intMin) _intMin = v;
        if (v > _intMax) _intMax = v;
    }

    public void AddDouble(double v)
    {
        if (_column.Type != ColumnType.Double) throw new InvalidOperationException($"column '{_column.Name}' holds {_column.Type}, not doubles");
        Define(1);
        if (Values == _doubles.Length) Array.Resize(ref _doubles, _doubles.Length * 2);
        _doubles[Values++] = v;
        if (double.IsNaN(v)) return;
        if (!_hasDoubleStat) { _doubleMin = _doubleMax = v; _hasDoubleStat = true; }
        else if (v < _doubleMin) _doubleMin = v;
        else if (v > _doubleMax) _doubleMax = v;
    }

    public void AddBytes(ReadOnlySpan<byte> v)
    {
        if (!IsBytes) throw new InvalidOperationException($"column '{_column.Name}' holds {_column.Type}, not text");
        Define(1);
        StoreBytes(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreBytes(ReadOnlySpan<byte> v)
    {
        if (_byteLength + v.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteLength + v.Length));
        if (Values + 2 > _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        v.CopyTo(_bytes.AsSpan(_byteLength));
        _byteLength += v.Length;
        if (_dictionaryOn)
        {
            if (Values == _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
            _ids[Values] = _dictionary.GetOrAdd(v);
            // Mostly distinct values (captions, URLs) will be written plain anyway: stop hashing them early.
            if (_dictionary.ByteCount > MaxDictionaryBytes || (Values + 1 == DictionarySample && _dictionary.Count > DictionarySample * 3 / 4))
                _dictionaryOn = false;
        }
        _offsets[++Values] = _byteLength;
        if (v.Length > MaxStatBytes)
        {
            _longValueSeen = true;
            return;
        }
        if (_minLength < 0 || v.SequenceCompareTo(_minBytes.AsSpan(0, _minLength)) < 0)
        {
            v.CopyTo(_minBytes);
            _minLength = v.Length;
        }
        if (_maxLength < 0 || v.SequenceCompareTo(_maxBytes.AsSpan(0, _maxLength)) > 0)
        {
            v.CopyTo(_maxBytes);
            _maxLength = v.Length;
        }
    }

    public int MaxDictionaryBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Appends rows start.. of <paramref name="values"/> while each is null or of a kind this column stores as it is
    /// (integers and booleans in an integer column, doubles in a double column, text, JSON or binary in a byte column);
    /// returns how many it appended, so the caller converts or rejects the value that stopped it and goes on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AddRun(ColumnValues values, int start, int count)
    {
        var kinds = values.KindSpan.Slice(start, count);
        if (Rows + count > _defined.Length) Array.Resize(ref _defined, Math.Max(_defined.Length * 2, Rows + count));
        int i = 0;
        if (IsInt)
        {
            if (Values + count > _ints.Length) Array.Resize(ref _ints, Math.Max(_ints.Length * 2, Values + count));
            var ints = values.Int64Span.Slice(start, count);
            long min = _intMin, max = _intMax;
            int v = Values;
            bool boolean = _column.Type == ColumnType.Boolean;
            for (; i < kinds.Length; i++)
            {
                var k = kinds[i];
                if (k == ValueKind.Null) { _defined[Rows + i] = 0; continue; }
                if (k != ValueKind.Int64 && k != ValueKind.Boolean) break;
                long x = boolean ? (ints[i] != 0 ? 1 : 0) : ints[i];
                _defined[Rows + i] = 1;
                _ints[v++] = x;
                if (x < min) min = x;
                if (x > max) max = x;
            }
            (_intMin, _intMax, Values) = (min, max, v);
        }
        else if (_column.Type == ColumnType.Double)
        {
            if (Values + count > _doubles.Length) Array.Resize(ref _doubles, Math.Max(_doubles.Length * 2, Values + count));
            var doubles = values.DoubleSpan.Slice(start, count);
            int v = Values;
            for (; i < kinds.Length; i++)
            {
                var k = kinds[i];
                if (k == ValueKind.Null) { _defined[Rows + i] = 0; continue; }
                if (k != ValueKind.Double) break;
                double x = doubles[i];
                _defined[Rows + i] = 1;
                _doubles[v++] = x;
                if (double.IsNaN(x)) continue;
                if (!_hasDoubleStat) { _doubleMin = _doubleMax = x; _hasDoubleStat = true; }
                else if (x < _doubleMin) _doubleMin = x;
                else if (x > _doubleMax) _doubleMax = x;
            }
            Values = v;
        }
        else
        {
            var starts = values.StartSpan.Slice(start, count);
            var lengths = values.LengthSpan.Slice(start, count);
            var lane = values.ByteLane;
            for (; i < kinds.Length; i++)
            {
                var k = kinds[i];
                if (k == ValueKind.Null) { _defined[Rows + i] = 0; continue; }
                if (k is not (ValueKind.Text or ValueKind.Json or ValueKind.Binary)) break;
                _defined[Rows + i] = 1;
                StoreBytes(lane.Slice(starts[i], lengths[i]));
            }
        }
        Rows += i;
        return i;
    }

    private ReadOnlySpan<byte> BytesAt(int i) => _bytes.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);

    /// <summary>What the footer needs to know about a written chunk.</summary>
    public sealed record Written(long FirstPageOffset, long? DictionaryOffset, long DataOffset, long CompressedBytes, long UncompressedBytes,
        int[] Encodings, long NullCount, byte[]? Min, byte[]? Max);

    /// <summary>Writes the chunk's pages to <paramref name="output"/> at its current position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Written Write(Stream output, PageCompressor compressor, int pageRows, ParquetWriteTimings? timings = null)
    {
        long start = output.Position;
        long compressed = 0, uncompressed = 0;
        // A dictionary pays when values repeat; a chunk of mostly distinct strings is smaller plain.
        bool useDictionary = _dictionaryOn && Values > 0 && _dictionary.Count <= Math.Max(1, Values * 3 / 4);
        long? dictionaryOffset = null;
        var page = new ArrayBufferWriter<byte>(1 << 16);
        if (useDictionary)
        {
            for (int id = 0; id < _dictionary.Count; id++) PlainBytes(page, _dictionary[id]);
            dictionaryOffset = output.Position;
            var (c, u) = WritePage(output, compressor, page.WrittenSpan, timings, (header, size) =>
            {
                header.I32(1, 2); // DICTIONARY_PAGE
                header.I32(2, page.WrittenCount);
                header.I32(3, size);
                header.BeginStruct(7);
                header.I32(1, _dictionary.Count);
                header.I32(2, (int)ParquetEncoding.Plain);
                header.EndStruct();
            });
            compressed += c;
            uncompressed += u;
        }
        long dataOffset = output.Position;
        int bitWidth = useDictionary ? RleHybridEncoder.BitWidth(_dictionary.Count - 1) : 0;
        int value = 0;
        var levels = new ArrayBufferWriter<byte>(4096);
        for (int row = 0; row < Rows || row == 0; row += pageRows)
        {
            int end = Math.Min(Rows, row + pageRows);
            int present = 0;
            for (int r = row; r < end; r++) present += _defined[r];
            page.Clear();
            levels.Clear();
            RleHybridEncoder.WriteLevels(_defined.AsSpan(row, end - row), levels);
            BinaryPrimitives.WriteInt32LittleEndian(page.GetSpan(4), levels.WrittenCount);
            page.Advance(4);
            page.Write(levels.WrittenSpan);
            if (useDictionary)
            {
                page.Write([(byte)bitWidth]);
                RleHybridEncoder.WriteBitPacked(_ids.AsSpan(value, present), bitWidth, page);
            }
            else
            {
                EncodePlain(page, value, present);
            }
            value += present;
            int rows = end - row;
            var (c, u) = WritePage(output, compressor, page.WrittenSpan, timings, (header, size) =>
            {
                header.I32(1, 0); // DATA_PAGE
                header.I32(2, page.WrittenCount);
                header.I32(3, size);
                header.BeginStruct(5);
                header.I32(1, rows);
                header.I32(2, (int)(useDictionary ? ParquetEncoding.RleDictionary : ParquetEncoding.Plain));
                header.I32(3, (int)ParquetEncoding.Rle);
                header.I32(4, (int)ParquetEncoding.Rle);
                header.EndStruct();
            });
            compressed += c;
            uncompressed += u;
            if (Rows == 0) break;
        }
        var (min, max) = Statistics();
        int[] encodings = useDictionary
            ? [(int)ParquetEncoding.Plain, (int)ParquetEncoding.Rle, (int)ParquetEncoding.RleDictionary]
            : [(int)ParquetEncoding.Plain, (int)ParquetEncoding.Rle];
        return new Written(start, dictionaryOffset, dataOffset, compressed, uncompressed, encodings, Rows - Values, min, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodePlain(ArrayBufferWriter<byte> page, int first, int count)
    {
        switch (PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
            {
                int bytes = (count + 7) / 8;
                var span = page.GetSpan(bytes)[..bytes];
                span.Clear();
                for (int i = 0; i < count; i++)
                    if (_ints[first + i] != 0) span[i >> 3] |= (byte)(1 << (i & 7));
                page.Advance(bytes);
                break;
            }
            case ParquetPhysicalType.Int64:
            {
                var span = page.GetSpan(count * 8);
                for (int i = 0; i < count; i++) BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], _ints[first + i]);
                page.Advance(count * 8);
                break;
            }
            case ParquetPhysicalType.Double:
            {
                var span = page.GetSpan(count * 8);
                for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], _doubles[first + i]);
                page.Advance(count * 8);
                break;
            }
            default:
                for (int i = 0; i < count; i++) PlainBytes(page, BytesAt(first + i));
                break;
        }
    }

    private static void PlainBytes(ArrayBufferWriter<byte> page, ReadOnlySpan<byte> v)
    {
        var span = page.GetSpan(4 + v.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, v.Length);
        v.CopyTo(span[4..]);
        page.Advance(4 + v.Length);
    }

    private (byte[]? Min, byte[]? Max) Statistics()
    {
        if (Values == 0) return (null, null);
        switch (PhysicalType)
        {
            case ParquetPhysicalType.Boolean:
                return ([(byte)(_intMin != 0 ? 1 : 0)], [(byte)(_intMax != 0 ? 1 : 0)]);
            case ParquetPhysicalType.Int64:
            {
                var min = new byte[8];
                var max = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(min, _intMin);
                BinaryPrimitives.WriteInt64LittleEndian(max, _intMax);
                return (min, max);
            }
            case ParquetPhysicalType.Double:
            {
                if (!_hasDoubleStat) return (null, null);
                var min = new byte[8];
                var max = new byte[8];
                BinaryPrimitives.WriteDoubleLittleEndian(min, _doubleMin);
                BinaryPrimitives.WriteDoubleLittleEndian(max, _doubleMax);
                return (min, max);
            }
            default:
                // Min/max are only exact when every value was short enough to be considered.
                return _longValueSeen ? (null, null) : (_minBytes.AsSpan(0, _minLength).ToArray(), _maxBytes.AsSpan(0, _maxLength).ToArray());
        }
    }

    /// <summary>Compresses a page body and writes its header then the body; returns (compressed, uncompressed) sizes with headers.</summary>
    /// <param name="header">Writes the header fields given the compressed body size.</param>
    private static (long, long) WritePage(Stream output, PageCompressor compressor, ReadOnlySpan<byte> body, ParquetWriteTimings? timings, Action<ThriftCompactWriter, int> header)
    {
        long t0 = timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        ReadOnlySpan<byte> stored = compressor.Compress(body);
        long t1 = timings is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        var headerBytes = new ArrayBufferWriter<byte>(64);
        var thrift = new ThriftCompactWriter(headerBytes);
        thrift.PushStruct();
        header(thrift, stored.Length);
        thrift.EndStruct();
        output.Write(headerBytes.WrittenSpan);
        output.Write(stored);
        if (timings is not null)
        {
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            timings.Compress += t1 - t0;
            timings.Write += t2 - t1;
        }
        return (headerBytes.WrittenCount + stored.Length, headerBytes.WrittenCount + body.Length);
    }
}
