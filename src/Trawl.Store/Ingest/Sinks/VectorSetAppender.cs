using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Ingest.Sinks;

/// <summary>
/// Writes one vector set of an ingest: the kept rows of each part, converted to the set's element type, go
/// either into a new file completed under a pending name (a new or replaced set; <see cref="VectorSetSink"/>
/// renames it into place after the SQLite commit) or past the committed rows of the existing file (an append in
/// place; its header is published after the SQLite commit).
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

    private VectorSetAppender(string name, string finalPath, string? pendingPath, VectorSetWriter writer)
    {
        Name = name;
        FinalPath = finalPath;
        PendingPath = pendingPath;
        _writer = writer;
        Dimension = writer.Dimension;
        _half = writer.ElementType == VectorElementType.Float16;
        if (_half) _outHalf = new Half[ChunkRows * Dimension];
        else _outFloat = new float[ChunkRows * Dimension];
    }

    /// <summary>A new file under a pending name, renamed to <paramref name="finalPath"/> after the commit.</summary>
    public static VectorSetAppender CreatePending(string name, string finalPath, string pendingPath, VectorElementType type, int dimension) =>
        new(name, finalPath, pendingPath, VectorSetWriter.Create(pendingPath, type, dimension, VectorMetric.InnerProduct));

    /// <summary>Rows appended in place after the committed ones of <paramref name="path"/>.</summary>
    public static VectorSetAppender Extend(string name, string path, Storage.VectorSetRegistry.Entry committed, VectorElementType type, int dimension)
    {
        var writer = VectorSetWriter.Extend(path, committed.Count, committed.ChecksumValue, committed.ChecksumState);
        try
        {
            if (writer.Dimension != dimension)
                throw new UserErrorException($"vector set '{name}' ({path}) has dimension {writer.Dimension}; the new parts have {dimension}");
            if (writer.ElementType != type)
                throw new UserErrorException($"vector set '{name}' ({path}) is {writer.ElementType}; --vector-type cannot change it when appending (use --replace)");
            return new VectorSetAppender(name, path, null, writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public string FinalPath { get; }
    /// <summary>The pending file of a new set; null for an append in place.</summary>
    public string? PendingPath { get; }
    public int Dimension { get; }
    public long Count => _writer.Count + _outRows;
    public ulong Checksum { get; private set; }
    public byte[] ChecksumState { get; private set; } = [];

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

    /// <summary>Makes the rows durable before the SQLite commit: a new set is completed under its pending name,
    /// appended rows are flushed to disk past the committed count.</summary>
    public void Complete()
    {
        Flush();
        Checksum = _writer.Checksum;
        ChecksumState = _writer.ChecksumState();
        _writer.Complete();
    }

    /// <summary>After the SQLite commit: the new set is renamed into place, or the appended rows' header is published.</summary>
    public void Publish()
    {
        if (PendingPath is null)
            _writer.PublishHeader();
        else
            File.Move(PendingPath, FinalPath, overwrite: true);
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
