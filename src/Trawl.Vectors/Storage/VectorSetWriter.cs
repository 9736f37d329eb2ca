using System.Runtime.InteropServices;

namespace Trawl.Vectors.Storage;

/// <summary>
/// Writes a vector set file: rows are appended in batches to a temporary file beside the target,
/// and <see cref="Complete"/> writes the header (with the data checksum) and renames the file
/// into place, so a reader never sees a half-written set. Disposing without completing deletes
/// the temporary file.
/// </summary>
public sealed class VectorSetWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly Hash64 _hash = new();
    private readonly string _tempPath;
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

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
        if (!_completed && File.Exists(_tempPath)) File.Delete(_tempPath);
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
