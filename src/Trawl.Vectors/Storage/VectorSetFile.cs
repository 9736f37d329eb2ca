using System.IO.MemoryMappedFiles;

namespace Trawl.Vectors.Storage;

/// <summary>
/// An open vector set file, memory-mapped read-only: the header is checked against the file
/// length on open, and <see cref="Matrix"/> points straight into the mapping (nothing is loaded
/// whole). The data checksum is only checked by <see cref="VerifyChecksum"/>, which reads every byte.
/// </summary>
public sealed unsafe class VectorSetFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private VectorSetFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, VectorSetHeader header)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = pointer;
        Header = header;
        Matrix = VectorMatrix.FromAddress((nint)(pointer + header.DataOffset), header.Count, header.Dimension, header.ElementType, this);
    }

    public string Path { get; }
    public VectorSetHeader Header { get; }
    /// <summary>The rows, valid until this file is disposed.</summary>
    public VectorMatrix Matrix { get; }

    public static VectorSetFile Open(string path) => Open(path, null);

    /// <summary>A committed checksum of 0 means the owner does not know it (a registry written by hand): not compared.</summary>
    public const ulong UnknownChecksum = 0;

    /// <summary>
    /// Opens the first <paramref name="committedCount"/> rows of a set that an owner (a dataset's registry) keeps
    /// the committed count and checksum of. Rows past that count (an append in progress, or one a crash cut short)
    /// are ignored, and the header may lag behind the owner's count while an append is being published; a header
    /// that counts the same rows with another checksum, or more rows, means the file is not the committed one.
    /// <see cref="Header"/> then describes the committed rows.
    /// </summary>
    public static VectorSetFile Open(string path, long committedCount, ulong committedChecksum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(committedCount);
        return Open(path, (committedCount, committedChecksum));
    }

    private static VectorSetFile Open(string path, (long Count, ulong Checksum)? committed)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        long length = new FileInfo(full).Length;
        if (length < VectorSetHeader.Size)
            throw new VectorFormatException(full, $"the file is {length} bytes, shorter than the {VectorSetHeader.Size}-byte vector set header");
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            Span<byte> head = stackalloc byte[VectorSetHeader.Size];
            using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                stream.ReadExactly(head);
            VectorSetHeader header = VectorSetHeader.Read(head, length, full, allowTrailing: committed is not null);
            if (committed is { } c)
                header = Committed(header, c.Count, c.Checksum, length, full);
            // Only the counted rows are mapped: bytes past them may be cut off by a recovery while this mapping lives.
            long mapped = header.DataOffset + header.Count * header.RowBytes;
            file = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, mapped, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new VectorSetFile(full, file, view, pointer, header);
        }
        catch
        {
            if (pointer != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            file?.Dispose();
            throw;
        }
    }

    private static VectorSetHeader Committed(VectorSetHeader header, long count, ulong checksum, long length, string file)
    {
        long rows = (length - header.DataOffset) / header.RowBytes;
        if (count > rows)
            throw new VectorFormatException(file, $"the file holds {rows} rows but {count} are committed: the file is truncated", 16);
        if (header.Count > count)
            throw new VectorFormatException(file, $"the header counts {header.Count} rows but {count} are committed: the file is being replaced, or is not the committed one", 16);
        if (checksum == UnknownChecksum)
            return header.Count == count ? header : header with { Count = count };
        if (header.Count == count && header.DataChecksum != checksum)
            throw new VectorFormatException(file, $"the header's checksum {header.DataChecksum:x16} is not the committed {checksum:x16}: the file is being replaced, or is not the committed one", 40);
        return header with { Count = count, DataChecksum = checksum };
    }

    /// <summary>Reads all data and compares its checksum with the header's; throws <see cref="VectorFormatException"/> on a mismatch.</summary>
    public void VerifyChecksum()
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        var hash = new Hash64();
        long total = Header.Count * Header.RowBytes;
        byte* data = _base + Header.DataOffset;
        for (long done = 0; done < total;)
        {
            int n = (int)Math.Min(1 << 24, total - done);
            hash.Append(new ReadOnlySpan<byte>(data + done, n));
            done += n;
        }
        if (hash.Digest() != Header.DataChecksum)
            throw new VectorFormatException(Path, "the data checksum does not match the header: the vectors are corrupt", Header.DataOffset);
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
