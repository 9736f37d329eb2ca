using System.Buffers;
using System.Text;

namespace Trawl.Formats.Tables;

/// <summary>
/// The values of one column in a <see cref="ColumnBatch"/>: a kind per row plus typed lanes
/// (Int64, Double, and one byte buffer with offsets for text, binary and JSON). Readers append;
/// consumers read spans. Buffers grow and are reused across batches, so steady-state reading
/// allocates nothing per row.
/// </summary>
public sealed class ColumnValues
{
    private ValueKind[] _kinds;
    private long[] _ints;
    private double[] _doubles;
    private byte[] _bytes;
    // _starts[i].._ends[i] is row i's byte range; two arrays so rows need not be appended in byte order.
    private int[] _starts;
    private int[] _lengths;
    private int _byteCount;

    public ColumnValues(int capacity = 1024)
    {
        capacity = Math.Max(capacity, 1);
        _kinds = new ValueKind[capacity];
        _ints = new long[capacity];
        _doubles = new double[capacity];
        _starts = new int[capacity];
        _lengths = new int[capacity];
        _bytes = new byte[capacity * 16];
    }

    /// <summary>Rows appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes held in the byte lane (a rough size of the batch, for limits).</summary>
    public int ByteCount => _byteCount;

    public void Clear()
    {
        Count = 0;
        _byteCount = 0;
    }

    public ValueKind KindAt(int row) => _kinds[row];

    // Whole-lane views for bulk consumers in this assembly (the Parquet writer), valid until the next append.
    internal ReadOnlySpan<ValueKind> KindSpan => _kinds.AsSpan(0, Count);
    internal ReadOnlySpan<long> Int64Span => _ints.AsSpan(0, Count);
    internal ReadOnlySpan<double> DoubleSpan => _doubles.AsSpan(0, Count);
    internal ReadOnlySpan<int> StartSpan => _starts.AsSpan(0, Count);
    internal ReadOnlySpan<int> LengthSpan => _lengths.AsSpan(0, Count);
    internal ReadOnlySpan<byte> ByteLane => _bytes;

    public bool IsNull(int row) => _kinds[row] == ValueKind.Null;

    public long Int64At(int row) => _ints[row];

    public double DoubleAt(int row) => _doubles[row];

    /// <summary>The bytes of a Text, Binary or Json cell (empty for other kinds).</summary>
    public ReadOnlySpan<byte> BytesAt(int row) => _bytes.AsSpan(_starts[row], _lengths[row]);

    /// <summary>A cell as a .NET value: null, bool, long, double, string (text and JSON) or byte[]. Allocates; not for hot loops.</summary>
    public object? ValueAt(int row) => _kinds[row] switch
    {
        ValueKind.Null => null,
        ValueKind.Boolean => _ints[row] != 0,
        ValueKind.Int64 => _ints[row],
        ValueKind.Double => _doubles[row],
        ValueKind.Text or ValueKind.Json => Encoding.UTF8.GetString(BytesAt(row)),
        ValueKind.Binary => BytesAt(row).ToArray(),
        _ => null,
    };

    public void AppendNull() => Next(ValueKind.Null);

    // Next() may grow the lanes, so it must run before the lane is read (not inside the index expression).
    public void AppendBoolean(bool value)
    {
        int row = Next(ValueKind.Boolean);
        _ints[row] = value ? 1 : 0;
    }

    public void AppendInt64(long value)
    {
        int row = Next(ValueKind.Int64);
        _ints[row] = value;
    }

    public void AppendDouble(double value)
    {
        int row = Next(ValueKind.Double);
        _doubles[row] = value;
    }

    /// <summary>Appends a run of non-null integers at once (bulk decoders avoid a call per value).</summary>
    public void AppendInt64s(ReadOnlySpan<long> values)
    {
        int row = NextRun(ValueKind.Int64, values.Length);
        values.CopyTo(_ints.AsSpan(row));
    }

    /// <summary>Appends a run of non-null doubles at once.</summary>
    public void AppendDoubles(ReadOnlySpan<double> values)
    {
        int row = NextRun(ValueKind.Double, values.Length);
        values.CopyTo(_doubles.AsSpan(row));
    }

    /// <summary>
    /// Appends a run of non-null byte values of one kind: value k is heap[starts[k]..starts[k]+lengths[k]].
    /// The lanes and the byte buffer grow once for the whole run. When the values lie close together in the heap
    /// (a page's values between their length prefixes, or references into a small dictionary) the stretch of heap
    /// they span is copied once and the rows point into it, instead of one copy per value.
    /// </summary>
    public void AppendBytesRun(ValueKind kind, ReadOnlySpan<byte> heap, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths)
    {
        if (starts.Length != lengths.Length)
            throw new ArgumentException("starts and lengths differ in length", nameof(lengths));
        long total = 0;
        int lo = int.MaxValue, hi = 0;
        for (int k = 0; k < starts.Length; k++)
        {
            // Checked before anything is appended, so a bad run leaves the column as it was.
            int s = starts[k], len = lengths[k];
            if (s < 0 || len < 0 || len > heap.Length - s)
                throw new ArgumentOutOfRangeException(nameof(starts), "a value lies outside the heap");
            if (len == 0)
                continue; // an empty value needs no bytes, wherever its start points
            total += len;
            lo = Math.Min(lo, s);
            hi = Math.Max(hi, s + len);
        }
        if (starts.Length == 0)
            return;
        // Spanning copy only when it wastes little: at most the values' own bytes plus 8 per value.
        long span = total == 0 ? 0 : (long)hi - lo;
        bool spanning = span <= total + 8L * starts.Length;
        long need = spanning ? span : total;
        if (need > Array.MaxLength)
            throw new InvalidOperationException("a column batch outgrew 2 GB; use smaller batches");
        EnsureBytes((int)need);
        int row = NextRun(kind, starts.Length, writesRanges: true);
        int at = _byteCount;
        var bytes = _bytes.AsSpan();
        var rowStarts = _starts.AsSpan(row, starts.Length);
        lengths.CopyTo(_lengths.AsSpan(row, starts.Length));
        if (spanning)
        {
            if (span > 0)
                heap[lo..hi].CopyTo(bytes[at..]);
            int shift = at - lo;
            for (int k = 0; k < starts.Length; k++)
                rowStarts[k] = lengths[k] == 0 ? at : starts[k] + shift;
            _byteCount = at + (int)span;
            return;
        }
        for (int k = 0; k < starts.Length; k++)
        {
            int len = lengths[k];
            heap.Slice(starts[k], len).CopyTo(bytes.Slice(at, len));
            rowStarts[k] = at;
            at += len;
        }
        _byteCount = at;
    }

    /// <summary>
    /// Makes an appended row null (its bytes, if any, stay unreferenced in the lane): bulk appenders write a run
    /// with placeholders in the few null rows, then mark them.
    /// </summary>
    public void SetNull(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        _kinds[row] = ValueKind.Null;
        _starts[row] = 0;
        _lengths[row] = 0;
    }

    public void AppendText(ReadOnlySpan<byte> utf8) => AppendBytes(ValueKind.Text, utf8);

    public void AppendText(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        int row = Next(ValueKind.Text);
        EnsureBytes(max);
        int n = Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_byteCount));
        _starts[row] = _byteCount;
        _lengths[row] = n;
        _byteCount += n;
    }

    public void AppendBinary(ReadOnlySpan<byte> bytes) => AppendBytes(ValueKind.Binary, bytes);

    public void AppendJson(ReadOnlySpan<byte> utf8Json) => AppendBytes(ValueKind.Json, utf8Json);

    /// <summary>Appends a cell of the given kind copied from another column.</summary>
    public void AppendFrom(ColumnValues source, int row)
    {
        switch (source._kinds[row])
        {
            case ValueKind.Null: AppendNull(); break;
            case ValueKind.Boolean: AppendBoolean(source._ints[row] != 0); break;
            case ValueKind.Int64: AppendInt64(source._ints[row]); break;
            case ValueKind.Double: AppendDouble(source._doubles[row]); break;
            default: AppendBytes(source._kinds[row], source.BytesAt(row)); break;
        }
    }

    /// <summary>Gives up to <paramref name="maxBytes"/> of writable space in the byte lane for a value
    /// of unknown length; finish with <see cref="CommitBytes"/>.</summary>
    public Span<byte> ReserveBytes(int maxBytes)
    {
        EnsureBytes(maxBytes);
        return _bytes.AsSpan(_byteCount, maxBytes);
    }

    /// <summary>Appends a cell whose bytes were written into the span from <see cref="ReserveBytes"/>.</summary>
    public void CommitBytes(ValueKind kind, int length)
    {
        int row = Next(kind);
        _starts[row] = _byteCount;
        _lengths[row] = length;
        _byteCount += length;
    }

    private void AppendBytes(ValueKind kind, ReadOnlySpan<byte> bytes)
    {
        EnsureBytes(bytes.Length);
        int row = Next(kind);
        bytes.CopyTo(_bytes.AsSpan(_byteCount));
        _starts[row] = _byteCount;
        _lengths[row] = bytes.Length;
        _byteCount += bytes.Length;
    }

    /// <summary>Makes room for n rows of one kind; their byte ranges are cleared unless the caller writes them all.</summary>
    private int NextRun(ValueKind kind, int n, bool writesRanges = false)
    {
        int row = Count;
        while (_kinds.Length - row < n)
            Grow();
        _kinds.AsSpan(row, n).Fill(kind);
        if (!writesRanges)
        {
            _starts.AsSpan(row, n).Clear();
            _lengths.AsSpan(row, n).Clear();
        }
        Count = row + n;
        return row;
    }

    private int Next(ValueKind kind)
    {
        int row = Count;
        if (row == _kinds.Length)
            Grow();
        _kinds[row] = kind;
        _starts[row] = 0;
        _lengths[row] = 0;
        Count = row + 1;
        return row;
    }

    private void Grow()
    {
        int n = _kinds.Length * 2;
        Array.Resize(ref _kinds, n);
        Array.Resize(ref _ints, n);
        Array.Resize(ref _doubles, n);
        Array.Resize(ref _starts, n);
        Array.Resize(ref _lengths, n);
    }

    private void EnsureBytes(int extra)
    {
        // The common case stays small enough to inline into the appenders.
        if ((long)_byteCount + extra > _bytes.Length)
            GrowBytes(extra);
    }

    private void GrowBytes(int extra)
    {
        long need = (long)_byteCount + extra;
        if (need > Array.MaxLength)
            throw new InvalidOperationException("a column batch outgrew 2 GB; use smaller batches");
        long size = Math.Max(need, Math.Min((long)_bytes.Length * 2, Array.MaxLength));
        Array.Resize(ref _bytes, (int)size);
    }
}
