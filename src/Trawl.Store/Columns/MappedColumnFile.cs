using System.IO.MemoryMappedFiles;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>A column file mapped read-only: its header and the bytes after it. Never loaded whole.</summary>
internal sealed unsafe class MappedColumnFile : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _data;

    private MappedColumnFile(string path, MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* data, long dataLength, ColumnFileHeader header)
    {
        Path = path;
        _file = file;
        _view = view;
        _data = data;
        DataLength = dataLength;
        Header = header;
    }

    public string Path { get; }
    public ColumnFileHeader Header { get; }

    /// <summary>Bytes after the header.</summary>
    public long DataLength { get; }

    public static MappedColumnFile Open(string path, ColumnFilePart expectedPart)
    {
        long length = new FileInfo(path).Length;
        if (length < ColumnFileHeader.Size)
            throw new DataFormatException(path, $"truncated column file ({length} bytes, the header alone is {ColumnFileHeader.Size})");
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            p += view.PointerOffset;
            var header = ColumnFileHeader.Read(new ReadOnlySpan<byte>(p, ColumnFileHeader.Size), path);
            if (header.Part != expectedPart)
                throw new DataFormatException(path, $"holds {header.Part}, expected {expectedPart}");
            return new MappedColumnFile(path, file, view, p + ColumnFileHeader.Size, length - ColumnFileHeader.Size, header);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            file.Dispose();
            throw;
        }
    }

    /// <summary>The first <paramref name="count"/> elements of fixed width after the header; a short file is an error.</summary>
    public ReadOnlySpan<T> Elements<T>(long byteOffset, long count) where T : unmanaged
    {
        long bytes = checked(count * sizeof(T));
        if (byteOffset < 0 || byteOffset + bytes > DataLength)
            throw new DataFormatException(Path, $"truncated: needs {byteOffset + bytes + ColumnFileHeader.Size} bytes, has {DataLength + ColumnFileHeader.Size}");
        if (count > int.MaxValue)
            throw new DataFormatException(Path, $"{count} elements is more than one span can address");
        return new ReadOnlySpan<T>(_data + byteOffset, (int)count);
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
