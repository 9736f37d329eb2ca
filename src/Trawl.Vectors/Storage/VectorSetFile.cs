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

    public static VectorSetFile Open(string path)
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
            file = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            VectorSetHeader header = VectorSetHeader.Read(new ReadOnlySpan<byte>(pointer, VectorSetHeader.Size), length, full);
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
