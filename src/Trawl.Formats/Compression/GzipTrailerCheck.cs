using System.Buffers.Binary;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Compression;

/// <summary>
/// Catches truncated gzip files, which .NET's GZipStream reads to a silent, early end of data.
/// A gzip member ends with the uncompressed size mod 2^32 (ISIZE); at the end of the data we compare
/// the file's last four bytes with the bytes we decompressed. Files of several concatenated members
/// (bgzip, <c>cat a.gz b.gz</c>) carry only the last member's size there, so a trailer smaller than
/// the total is accepted: a truncation is then caught unless the random bytes where the trailer
/// should be happen to read as a smaller number (rare for files far below 4 GB).
/// </summary>
internal sealed class GzipTrailerCheck
{
    private readonly FileStream _file;
    private long _decompressed;
    private bool _verified;

    public GzipTrailerCheck(FileStream file) => _file = file;

    public void Count(int bytes) => _decompressed += bytes;

    public void Verify(string path)
    {
        if (_verified)
            return;
        _verified = true;
        long length = _file.Length;
        // 10-byte header + at least 2 bytes of deflate data + 8-byte trailer.
        if (length < 20)
            throw Truncated(path, length);
        Span<byte> trailer = stackalloc byte[4];
        RandomAccess.Read(_file.SafeFileHandle, trailer, length - 4);
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expected = unchecked((uint)_decompressed);
        if (isize == expected)
            return;
        if (_decompressed >= 1L << 32 || isize < _decompressed)
            return; // may be the last of several members
        throw Truncated(path, length);
    }

    private DataFormatException Truncated(string path, long length) =>
        new(path, $"not a valid gzip stream: the data ends early (the file looks truncated after {_decompressed:N0} decompressed bytes)", byteOffset: length);
}
