using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Builds one vector set of an ingest: the set's earlier rows (when appending) are copied into a new file,
/// then the kept rows of each part are converted to the set's element type and appended. The new file is
/// completed under a pending name; <see cref="VectorIngest"/> renames it into place after meta.db.
/// </summary>
internal sealed class VectorSetAppender : IDisposable
{
    private const int ChunkRows = 512;

    private readonly VectorSetWriter _writer;
    private readonly bool _half;
    private VectorPart? _part;
    private byte[] _chunk = [];
    private long _chunkFirst;
    private int _chunkCount;
    private Half[] _outHalf = [];
    private float[] _outFloat = [];
    private int _outRows;

    public VectorSetAppender(string name, string pendingPath, VectorElementType type, int dimension)
    {
        Name = name;
        PendingPath = pendingPath;
        Dimension = dimension;
        _half = type == VectorElementType.Float16;
        _writer = VectorSetWriter.Create(pendingPath, type, dimension, VectorMetric.InnerProduct);
        if (_half) _outHalf = new Half[ChunkRows * dimension];
        else _outFloat = new float[ChunkRows * dimension];
    }

    public string Name { get; }
    public string PendingPath { get; }
    public int Dimension { get; }
    public long Count => _writer.Count + _outRows;
    public ulong Checksum { get; private set; }

    /// <summary>Copies the rows of the set as it was (streamed, not memory-mapped, to keep RSS small).</summary>
    public void CopyExisting(string path, long expectedCount)
    {
        VectorSetHeader header;
        using (var file = VectorSetFile.Open(path))
            header = file.Header;
        if (header.Dimension != Dimension)
            throw new UserErrorException($"vector set '{Name}' ({path}) has dimension {header.Dimension}; the new parts have {Dimension}");
        if (header.ElementType != _writer.ElementType)
            throw new UserErrorException($"vector set '{Name}' ({path}) is {header.ElementType}; --vector-type cannot change it when appending (use --replace)");
        if (header.Count != expectedCount)
            throw new UserErrorException($"vector set '{Name}' ({path}) has {header.Count} rows, but its table has {expectedCount}: the dataset is inconsistent; re-ingest with --replace");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        stream.Position = header.DataOffset;
        var buffer = new byte[checked((int)header.RowBytes * 1024)];
        long left = header.Count;
        while (left > 0)
        {
            int rows = (int)Math.Min(1024, left);
            var span = buffer.AsSpan(0, rows * (int)header.RowBytes);
            stream.ReadExactly(span);
            if (_half) _writer.Append(MemoryMarshal.Cast<byte, Half>(span));
            else _writer.Append(MemoryMarshal.Cast<byte, float>(span));
            left -= rows;
        }
    }

    public void BeginPart(VectorPart part)
    {
        if (part.Dimension != Dimension)
            throw new UserErrorException($"{part.Label}: vectors of dimension {part.Dimension}, but vector set '{Name}' has dimension {Dimension}");
        _part = part;
        _chunkCount = 0;
        _chunkFirst = 0;
        if (_chunk.Length < ChunkRows * part.RowBytes)
            _chunk = new byte[ChunkRows * part.RowBytes];
    }

    public void Keep(long row, string source)
    {
        var part = _part!;
        if (row < _chunkFirst || row >= _chunkFirst + _chunkCount)
        {
            if (row >= part.Rows)
                throw new UserErrorException($"{source} has more rows than {part.Label} ({part.Rows} vectors): row {row + 1} has no vector");
            _chunkFirst = row;
            _chunkCount = (int)Math.Min(ChunkRows, part.Rows - row);
            part.ReadRows(_chunkFirst, _chunkCount, _chunk);
        }
        var bytes = _chunk.AsSpan((int)(row - _chunkFirst) * part.RowBytes, part.RowBytes);
        if (_half)
            ConvertToHalf(bytes, part, row, _outHalf.AsSpan(_outRows * Dimension, Dimension));
        else
            ConvertToFloat(bytes, part, row, _outFloat.AsSpan(_outRows * Dimension, Dimension));
        if (++_outRows == ChunkRows)
            Flush();
    }

    public void EndPart(string source, long rowsRead)
    {
        var part = _part!;
        if (rowsRead != part.Rows)
            throw new UserErrorException($"{source} has {rowsRead} rows but {part.Label} has {part.Rows} vectors; each part's rows and vectors must match one to one");
        _part = null;
    }

    /// <summary>Writes the header and renames the file to its pending name.</summary>
    public void Complete()
    {
        Flush();
        _writer.Complete();
        using var file = VectorSetFile.Open(PendingPath);
        Checksum = file.Header.DataChecksum;
    }

    private void Flush()
    {
        if (_outRows == 0)
            return;
        if (_half) _writer.Append(_outHalf.AsSpan(0, _outRows * Dimension));
        else _writer.Append(_outFloat.AsSpan(0, _outRows * Dimension));
        _outRows = 0;
    }

    private static void ConvertToHalf(ReadOnlySpan<byte> bytes, VectorPart part, long row, Span<Half> destination)
    {
        switch (part.Type)
        {
            case NpyFile.ElementType.Float16:
                var h = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < h.Length; i++)
                {
                    if (!Half.IsFinite(h[i])) throw NotFinite(part, row, i, (double)h[i]);
                    destination[i] = h[i];
                }
                break;
            case NpyFile.ElementType.Float32:
                var f = MemoryMarshal.Cast<byte, float>(bytes);
                for (int i = 0; i < f.Length; i++)
                {
                    Half v = (Half)f[i];
                    if (!Half.IsFinite(v)) throw float.IsFinite(f[i]) ? OutOfRange(part, row, i, f[i]) : NotFinite(part, row, i, f[i]);
                    destination[i] = v;
                }
                break;
            default:
                var d = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < d.Length; i++)
                {
                    Half v = (Half)d[i];
                    if (!Half.IsFinite(v)) throw double.IsFinite(d[i]) ? OutOfRange(part, row, i, d[i]) : NotFinite(part, row, i, d[i]);
                    destination[i] = v;
                }
                break;
        }
    }

    private static void ConvertToFloat(ReadOnlySpan<byte> bytes, VectorPart part, long row, Span<float> destination)
    {
        switch (part.Type)
        {
            case NpyFile.ElementType.Float16:
                var h = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < h.Length; i++)
                {
                    if (!Half.IsFinite(h[i])) throw NotFinite(part, row, i, (double)h[i]);
                    destination[i] = (float)h[i];
                }
                break;
            case NpyFile.ElementType.Float32:
                var f = MemoryMarshal.Cast<byte, float>(bytes);
                for (int i = 0; i < f.Length; i++)
                {
                    if (!float.IsFinite(f[i])) throw NotFinite(part, row, i, f[i]);
                    destination[i] = f[i];
                }
                break;
            default:
                var d = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < d.Length; i++)
                {
                    float v = (float)d[i];
                    if (!float.IsFinite(v)) throw double.IsFinite(d[i]) ? OutOfRange(part, row, i, d[i]) : NotFinite(part, row, i, d[i]);
                    destination[i] = v;
                }
                break;
        }
    }

    private static DataFormatException OutOfRange(VectorPart part, long row, int component, double value) =>
        new(part.Label, $"row {row} (0-based), component {component}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside the float16 range (±65504); use --vector-type f32", row: row);

    private static DataFormatException NotFinite(VectorPart part, long row, int component, double value) =>
        new(part.Label, $"row {row} (0-based), component {component}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a finite number", row: row);

    public void Dispose() => _writer.Dispose();
}
