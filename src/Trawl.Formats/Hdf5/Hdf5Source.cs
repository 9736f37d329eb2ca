using Microsoft.Win32.SafeHandles;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// The open file under an <see cref="Hdf5File"/>: positional reads in which every address and length
/// read from the file is checked against the file's size (and a cap) before anything is allocated.
/// </summary>
internal sealed class Hdf5Source : IDisposable
{
    /// <summary>No metadata block (object header, B-tree node, heap) is larger than this.</summary>
    public const int MaxMetadataBlock = 64 << 20;

    private readonly SafeFileHandle _handle;

    public Hdf5Source(string path)
    {
        Path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(_handle);
    }

    public string Path { get; }
    public long Length { get; }
    public int OffsetSize { get; set; } = 8;
    public int LengthSize { get; set; } = 8;
    /// <summary>Addresses in the file are relative to this (the superblock's base address).</summary>
    public long BaseAddress { get; set; }

    public static bool IsUndefined(ulong address) => address == ulong.MaxValue;

    public DataFormatException Error(string problem, long? offset = null, string? dataset = null, Exception? inner = null)
        => new(Path, dataset is null ? problem : $"dataset '{dataset}': {problem}", byteOffset: offset, inner: inner);

    /// <summary>The absolute file position of an address read from the file, checked to leave room for <paramref name="length"/> bytes.</summary>
    public long Check(ulong address, long length, string what, string? dataset = null)
    {
        if (IsUndefined(address))
            throw Error($"{what} has no address", dataset: dataset);
        if (length < 0 || address > (ulong)Length || (long)address + BaseAddress > Length - length)
            throw Error($"{what} at address {address} (+{length} bytes) lies outside the file ({Length} bytes): truncated or corrupt", dataset: dataset);
        return (long)address + BaseAddress;
    }

    /// <summary>A metadata block of at most <see cref="MaxMetadataBlock"/> bytes.</summary>
    public byte[] ReadBlock(ulong address, long length, string what, string? dataset = null)
    {
        if (length > MaxMetadataBlock)
            throw Error($"{what} declares {length} bytes, more than the {MaxMetadataBlock}-byte limit for metadata: corrupt", dataset: dataset);
        long at = Check(address, length, what, dataset);
        var buffer = new byte[length];
        ReadExactly(at, buffer);
        return buffer;
    }

    /// <summary>Reads up to <paramref name="max"/> bytes at an address (fewer at the end of the file); for blocks whose length is inside them.</summary>
    public byte[] ReadUpTo(ulong address, int max, string what, string? dataset = null)
    {
        long at = Check(address, 1, what, dataset);
        int n = (int)Math.Min(max, Length - at);
        var buffer = new byte[n];
        ReadExactly(at, buffer);
        return buffer;
    }

    public void ReadExactly(long position, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int n = RandomAccess.Read(_handle, destination, position);
            if (n <= 0)
                throw Error($"the file ended while reading {destination.Length} bytes", position);
            position += n;
            destination = destination[n..];
        }
    }

    public void Dispose() => _handle.Dispose();
}
