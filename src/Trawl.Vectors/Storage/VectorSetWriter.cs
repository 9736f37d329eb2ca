using System.Runtime.InteropServices;

namespace Trawl.Vectors.Storage;

/// <summary>
/// Writes a vector set file: rows are appended in batches to a temporary file beside the target,
/// and <see cref="Complete"/> writes the header (with the data checksum) and renames the file
/// into place, so a reader never sees a half-written set. Disposing without completing deletes
/// the temporary file.
/// </summary>
/// <remarks>
/// <see cref="Extend"/> opens an existing set for an append in place instead: rows are written past the rows
/// its owner has committed, <see cref="Complete"/> only makes them durable, and the owner, once it has committed
/// the new count (<see cref="Count"/>, <see cref="Checksum"/>, <see cref="ChecksumState"/>) in its own
/// transaction, calls <see cref="PublishHeader"/>. A crash before the owner's commit leaves rows past the
/// committed count, which <see cref="Repair"/> cuts off.
/// </remarks>
public sealed class VectorSetWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly Hash64 _hash = new();
    private readonly string _tempPath;
    private readonly bool _extending;
    private bool _completed;
    private bool _disposed;

    private VectorSetWriter(string path, VectorElementType elementType, int dimension, VectorMetric? metricHint)
    {
        Path = System.IO.Path.GetFullPath(path);
        ElementType = elementType;
        Dimension = dimension;
        MetricHint = metricHint;
        RowBytes = VectorElementTypes.RowBytes(elementType, dimension);
        _tempPath = $"{Path}.{Guid.NewGuid():N}.tmp";
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        // A zeroed header until Complete: the file is not a valid set before then.
        _stream.Write(new byte[VectorSetHeader.Size]);
    }

    private VectorSetWriter(string path, FileStream stream, VectorSetHeader header, Hash64 hash)
    {
        Path = path;
        _stream = stream;
        _hash = hash;
        _tempPath = path;
        _extending = true;
        ElementType = header.ElementType;
        Dimension = header.Dimension;
        MetricHint = header.MetricHint;
        RowBytes = header.RowBytes;
        Count = header.Count;
    }

    public string Path { get; }
    public VectorElementType ElementType { get; }
    public int Dimension { get; }
    public VectorMetric? MetricHint { get; }
    public long RowBytes { get; }
    public long Count { get; private set; }

    public static VectorSetWriter Create(string path, VectorElementType elementType, int dimension, VectorMetric? metricHint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!VectorElementTypes.IsDefined(elementType)) throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "unknown element type");
        if (dimension is < 1 or > VectorMatrix.MaxDimension) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension must be 1..{VectorMatrix.MaxDimension}");
        return new VectorSetWriter(path, elementType, dimension, metricHint);
    }

    /// <summary>
    /// Opens the set at <paramref name="path"/> to append rows in place after its first <paramref name="committedCount"/>
    /// rows (anything past them is cut off first). <paramref name="checksumState"/> is <see cref="ChecksumState"/> as
    /// saved after those rows; when it is missing or does not fit, the committed rows are read once to rebuild it.
    /// </summary>
    public static VectorSetWriter Extend(string path, long committedCount, ulong committedChecksum, ReadOnlySpan<byte> checksumState)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(committedCount);
        string full = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 20);
        try
        {
            var header = ReadCommittedHeader(stream, full, committedCount, committedChecksum);
            long end = header.DataOffset + committedCount * header.RowBytes;
            var hash = Hash64.FromState(checksumState, committedCount * header.RowBytes) ?? HashData(stream, header.DataOffset, end);
            if (committedChecksum != VectorSetFile.UnknownChecksum && hash.Digest() != committedChecksum)
                throw new VectorFormatException(full, $"the committed rows' checksum is {hash.Digest():x16}, not the committed {committedChecksum:x16}: the vectors are corrupt", header.DataOffset);
            if (stream.Length != end)
                stream.SetLength(end);
            stream.Position = end;
            return new VectorSetWriter(full, stream, header with { Count = committedCount }, hash);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings a set file back to the state its owner committed: cuts off rows past <paramref name="committedCount"/>
    /// and rewrites a header that lags behind. Returns whether anything changed. The owner must keep writers away.
    /// </summary>
    public static bool Repair(string path, long committedCount, ulong committedChecksum)
    {
        string full = System.IO.Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        var header = ReadCommittedHeader(stream, full, committedCount, committedChecksum);
        long end = header.DataOffset + committedCount * header.RowBytes;
        bool changed = false;
        if (stream.Length != end)
        {
            stream.SetLength(end);
            changed = true;
        }
        if (header.Count != committedCount || (committedChecksum != VectorSetFile.UnknownChecksum && header.DataChecksum != committedChecksum))
        {
            ulong checksum = committedChecksum != VectorSetFile.UnknownChecksum ? committedChecksum
                : header.Count == committedCount ? header.DataChecksum : HashData(stream, header.DataOffset, end).Digest();
            WriteHeader(stream, header with { Count = committedCount, DataChecksum = checksum });
            changed = true;
        }
        if (changed)
            stream.Flush(flushToDisk: true);
        return changed;
    }

    private static VectorSetHeader ReadCommittedHeader(FileStream stream, string path, long committedCount, ulong committedChecksum)
    {
        Span<byte> head = stackalloc byte[VectorSetHeader.Size];
        long length = stream.Length;
        if (length >= VectorSetHeader.Size)
        {
            stream.Position = 0;
            stream.ReadExactly(head);
        }
        var header = VectorSetHeader.Read(head, length, path, allowTrailing: true);
        long rows = (length - header.DataOffset) / header.RowBytes;
        if (committedCount > rows)
            throw new VectorFormatException(path, $"the file holds {rows} rows but {committedCount} are committed: the file is truncated", 16);
        if (header.Count > committedCount || (header.Count == committedCount && committedChecksum != VectorSetFile.UnknownChecksum && header.DataChecksum != committedChecksum))
            throw new VectorFormatException(path, $"the header counts {header.Count} rows (checksum {header.DataChecksum:x16}), which is not the committed state ({committedCount} rows, {committedChecksum:x16})", 16);
        return header;
    }

    private static Hash64 HashData(FileStream stream, long from, long to)
    {
        var hash = new Hash64();
        var buffer = new byte[1 << 20];
        stream.Position = from;
        while (stream.Position < to)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, to - stream.Position));
            if (n == 0) throw new EndOfStreamException();
            hash.Append(buffer.AsSpan(0, n));
        }
        return hash;
    }

    private static void WriteHeader(FileStream stream, VectorSetHeader header)
    {
        Span<byte> bytes = stackalloc byte[VectorSetHeader.Size];
        header.WriteTo(bytes);
        stream.Position = 0;
        stream.Write(bytes);
    }

    /// <summary>The data checksum of the rows written so far (all of them, committed ones included).</summary>
    public ulong Checksum => _hash.Digest();

    /// <summary>The checksum's running state after the rows written so far, for a later <see cref="Extend"/>.</summary>
    public byte[] ChecksumState() => _hash.SaveState();

    /// <summary>Appends whole float rows, converting them to the set's element type (f32 or f16).</summary>
    public void Append(ReadOnlySpan<float> rows)
    {
        RequireOpen();
        CheckWholeRows(rows.Length);
        CheckFinite(rows);
        if (ElementType == VectorElementType.Float32)
        {
            WriteRaw(MemoryMarshal.AsBytes(rows));
            return;
        }
        if (ElementType != VectorElementType.Float16) throw new InvalidOperationException($"float rows cannot be appended to a {ElementType} set");
        // Whole rows per chunk: Count grows by the rows each write holds, so a partial row would be lost.
        Span<Half> buffer = Dimension <= 4096 ? stackalloc Half[4096] : new Half[Dimension];
        buffer = buffer[..(Math.Max(1, buffer.Length / Dimension) * Dimension)];
        while (!rows.IsEmpty)
        {
            int n = Math.Min(rows.Length, buffer.Length);
            for (int i = 0; i < n; i++)
            {
                buffer[i] = (Half)rows[i];
                if (Half.IsInfinity(buffer[i]))
                    throw new ArgumentException($"row {Count + i / Dimension} component {i % Dimension} is {rows[i]}, outside the float16 range", nameof(rows));
            }
            WriteRaw(MemoryMarshal.AsBytes(buffer[..n]));
            rows = rows[n..];
        }
    }

    /// <summary>Appends whole half-precision rows to an f16 set.</summary>
    public void Append(ReadOnlySpan<Half> rows)
    {
        RequireOpen();
        RequireType(VectorElementType.Float16);
        CheckWholeRows(rows.Length);
        for (int i = 0; i < rows.Length; i++)
            if (!Half.IsFinite(rows[i])) throw new ArgumentException($"row {Count + i / Dimension} component {i % Dimension} is {rows[i]}; components must be finite", nameof(rows));
        WriteRaw(MemoryMarshal.AsBytes(rows));
    }

    /// <summary>Appends whole int8 rows to an int8 set.</summary>
    public void Append(ReadOnlySpan<sbyte> rows)
    {
        RequireOpen();
        RequireType(VectorElementType.Int8);
        CheckWholeRows(rows.Length);
        WriteRaw(MemoryMarshal.AsBytes(rows));
    }

    /// <summary>Appends whole bit rows (each <c>ceil(dimension / 64)</c> words) to a bit set.</summary>
    public void Append(ReadOnlySpan<ulong> rows)
    {
        RequireOpen();
        RequireType(VectorElementType.Bits);
        long words = RowBytes / 8;
        if (rows.Length % words != 0) throw new ArgumentException($"{rows.Length} words is not a whole number of {words}-word rows", nameof(rows));
        WriteRaw(MemoryMarshal.AsBytes(rows));
    }

    /// <summary>Writes the header, flushes and renames the file into place (replacing an older one).</summary>
    public void Complete()
    {
        RequireOpen();
        if (_extending)
        {
            // The new rows are made durable; the header is raised by PublishHeader once the owner has committed.
            _stream.Flush(flushToDisk: true);
            _completed = true;
            return;
        }
        var header = new VectorSetHeader(VectorSetHeader.CurrentVersion, ElementType, MetricHint, Dimension, Count, VectorSetHeader.Size, RowBytes, _hash.Digest());
        Span<byte> bytes = stackalloc byte[VectorSetHeader.Size];
        header.WriteTo(bytes);
        _stream.Flush();
        _stream.Position = 0;
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tempPath, Path, overwrite: true);
        _completed = true;
    }

    /// <summary>After the owner committed an <see cref="Extend"/>: writes the header with the new count and checksum.</summary>
    public void PublishHeader()
    {
        if (!_extending || !_completed) throw new InvalidOperationException("only a completed append in place publishes its header");
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteHeader(_stream, new VectorSetHeader(VectorSetHeader.CurrentVersion, ElementType, MetricHint, Dimension, Count, VectorSetHeader.Size, RowBytes, _hash.Digest()));
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
        // An unfinished append in place leaves its rows past the committed count, for Repair to cut off.
        if (!_completed && !_extending && File.Exists(_tempPath)) File.Delete(_tempPath);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _hash.Append(bytes);
        Count += bytes.Length / RowBytes;
    }

    private void RequireOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("the vector set is already complete");
    }

    private void RequireType(VectorElementType type)
    {
        if (ElementType != type) throw new InvalidOperationException($"{type} rows cannot be appended to a {ElementType} set");
    }

    private void CheckWholeRows(int values)
    {
        if (values % Dimension != 0) throw new ArgumentException($"{values} values is not a whole number of {Dimension}-dimensional rows");
    }

    private void CheckFinite(ReadOnlySpan<float> rows)
    {
        for (int i = 0; i < rows.Length; i++)
            if (!float.IsFinite(rows[i])) throw new ArgumentException($"row {Count + i / Dimension} component {i % Dimension} is {rows[i]}; components must be finite", nameof(rows));
    }
}
