using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Trawl.Vectors.MinHash;

/// <summary>
/// Signatures of many rows in a scratch file (row after row, 4 bytes a value), so millions of rows need
/// page cache, not heap: written once in row order with <see cref="Append"/>, then memory-mapped by
/// <see cref="Seal"/> for the band pass and the re-check.
/// </summary>
public sealed unsafe class MinHashSignatureFile : IDisposable
{
    private FileStream? _writer;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _base;

    public MinHashSignatureFile(string path, int permutations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        Path = path;
        Permutations = permutations;
        _writer = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
    }

    private MinHashSignatureFile(string path, int permutations, long rows)
    {
        Path = path;
        Permutations = permutations;
        _writer = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            if (_writer.Length < rows * permutations * 4L)
                throw new InvalidDataException($"{path} holds {_writer.Length / (permutations * 4L)} signatures, fewer than the {rows} saved");
            // Signatures appended after the last save are cut off: they are signed again.
            _writer.SetLength(rows * permutations * 4L);
            _writer.Position = _writer.Length;
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
        Rows = rows;
        DeleteOnDispose = false;
    }

    /// <summary>Continues a file saved by an earlier run: its first <paramref name="rows"/> signatures are kept, anything after them
    /// is cut off, and the file stays when disposed (the caller's saved work owns it). Fewer rows than that is an <see cref="InvalidDataException"/>.</summary>
    public static MinHashSignatureFile Resume(string path, int permutations, long rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return new MinHashSignatureFile(path, permutations, rows);
    }

    /// <summary>Whether <see cref="Dispose"/> deletes the file (true for a scratch file; false for one opened by <see cref="Resume"/>).</summary>
    public bool DeleteOnDispose { get; init; } = true;

    /// <summary>Writes the signatures appended so far through to the disk, so a saved count can refer to them.</summary>
    public void Flush()
    {
        if (_writer is null) throw new InvalidOperationException("the file is sealed");
        _writer.Flush(flushToDisk: true);
    }

    public string Path { get; }
    public int Permutations { get; }
    public long Rows { get; private set; }

    public void Append(ReadOnlySpan<uint> signature)
    {
        if (_writer is null) throw new InvalidOperationException("the file is sealed");
        if (signature.Length != Permutations) throw new ArgumentException($"signature has {signature.Length} places, not {Permutations}", nameof(signature));
        _writer.Write(MemoryMarshal.AsBytes(signature));
        Rows++;
    }

    /// <summary>Ends writing and maps the file for reading.</summary>
    public void Seal()
    {
        if (_writer is null) return;
        _writer.Flush();
        long length = _writer.Length;
        if (length > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(_writer, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
            _base += _view.PointerOffset;
        }
        _sealedStream = _writer;
        _writer = null;
    }

    private FileStream? _sealedStream;

    public ReadOnlySpan<uint> Row(long row)
    {
        if (_writer is not null) throw new InvalidOperationException("seal the file before reading");
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return new ReadOnlySpan<uint>(_base + row * Permutations * 4L, Permutations);
    }

    public void Dispose()
    {
        if (_base != null) _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        _base = null;
        _view?.Dispose();
        _map?.Dispose();
        _writer?.Dispose();
        _sealedStream?.Dispose();
        _view = null;
        _map = null;
        _writer = null;
        _sealedStream = null;
        if (DeleteOnDispose)
        {
            try { File.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
