using System.Buffers.Binary;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>
/// The 64-byte header of every column file: magic "TRWLCOL1", format version, encoding, rows written, and for a
/// dictionary its entry count and payload size; a checksum of those fields. The data follows the header.
/// </summary>
internal readonly record struct ColumnFileHeader(ColumnEncoding Encoding, ColumnFilePart Part, long Rows, long Entries, long PayloadBytes)
{
    public const int Size = 64;
    public const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "TRWLCOL1"u8;

    public void Write(Span<byte> into)
    {
        into[..Size].Clear();
        Magic.CopyTo(into);
        BinaryPrimitives.WriteInt32LittleEndian(into[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(into[12..], (int)Encoding);
        BinaryPrimitives.WriteInt32LittleEndian(into[16..], (int)Part);
        BinaryPrimitives.WriteInt64LittleEndian(into[24..], Rows);
        BinaryPrimitives.WriteInt64LittleEndian(into[32..], Entries);
        BinaryPrimitives.WriteInt64LittleEndian(into[40..], PayloadBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(into[56..], Checksum(into[..56]));
    }

    /// <summary>Reads and checks a header; anything wrong is a <see cref="DataFormatException"/> naming the file.</summary>
    public static ColumnFileHeader Read(ReadOnlySpan<byte> from, string path)
    {
        if (from.Length < Size || !from[..8].SequenceEqual(Magic))
            throw new DataFormatException(path, $"not a Trawl column file (bad magic)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(from[8..]);
        if (version != Version)
            throw new DataFormatException(path, $"column file version {version}, this Trawl reads version {Version}; rebuild with `trawl columns`");
        if (BinaryPrimitives.ReadUInt64LittleEndian(from[56..]) != Checksum(from[..56]))
            throw new DataFormatException(path, $"column file header checksum mismatch (byte offset 56)");
        var header = new ColumnFileHeader(
            (ColumnEncoding)BinaryPrimitives.ReadInt32LittleEndian(from[12..]),
            (ColumnFilePart)BinaryPrimitives.ReadInt32LittleEndian(from[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(from[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(from[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(from[40..]));
        if (header.Rows < 0 || header.Entries < 0 || header.PayloadBytes < 0)
            throw new DataFormatException(path, $"negative count in the column file header");
        return header;
    }

    // FNV-1a: the header is tiny; it guards against torn or foreign headers, not against attackers.
    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in bytes)
            h = (h ^ b) * 1099511628211UL;
        return h;
    }
}

/// <summary>Which file of a column's encoding a header belongs to.</summary>
internal enum ColumnFilePart
{
    Values = 1,
    Codes = 2,
    Dictionary = 3,
    /// <summary>Tokens per row in the full-text index (one uint per row).</summary>
    DocumentLengths = 4,
    /// <summary>Rows where a term occurs more than once, with the count, grouped by term.</summary>
    TermFrequencies = 5,
}
