using System.Buffers.Binary;
using System.Text;

namespace Trawl.Vectors.Indexes.Files;

/// <summary>
/// The fixed 64-byte header of an index file (little-endian): magic "TRWLIDX1", 4-character kind
/// code, u16 version, u8 metric, u8 element type, u32 dimension, u32 factory string bytes,
/// u64 indexed rows, u64 vector set rows, u64 vector set data checksum, u32 section count,
/// 12 reserved bytes.
/// </summary>
internal sealed record IndexFileHeader(
    string KindCode,
    VectorMetric Metric,
    VectorElementType ElementType,
    int Dimension,
    int FactoryBytes,
    long Count,
    long VectorSetRows,
    ulong VectorSetChecksum,
    int SectionCount)
{
    public const int Size = 64;
    public const ushort CurrentVersion = 1;
    public const int MaxFactoryBytes = 256;
    public const int MaxSections = 32;
    public static ReadOnlySpan<byte> Magic => "TRWLIDX1"u8;
    public static ReadOnlySpan<byte> FooterMagic => "TRWLIEND"u8;

    public void WriteTo(Span<byte> d)
    {
        d[..Size].Clear();
        Magic.CopyTo(d);
        Encoding.ASCII.GetBytes(KindCode, d[8..12]);
        BinaryPrimitives.WriteUInt16LittleEndian(d[12..], CurrentVersion);
        d[14] = (byte)Metric;
        d[15] = (byte)ElementType;
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], Dimension);
        BinaryPrimitives.WriteInt32LittleEndian(d[20..], FactoryBytes);
        BinaryPrimitives.WriteInt64LittleEndian(d[24..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(d[32..], VectorSetRows);
        BinaryPrimitives.WriteUInt64LittleEndian(d[40..], VectorSetChecksum);
        BinaryPrimitives.WriteInt32LittleEndian(d[48..], SectionCount);
    }

    public static IndexFileHeader Read(ReadOnlySpan<byte> b, string file)
    {
        if (!b[..8].SequenceEqual(Magic)) throw new VectorFormatException(file, "not a Trawl index file (it does not start with TRWLIDX1)", 0);
        string kind = Encoding.ASCII.GetString(b[8..12]);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]);
        if (version != CurrentVersion) throw new VectorFormatException(file, $"index format version {version} is not supported (this build reads version {CurrentVersion})", 12);
        var metric = (VectorMetric)b[14];
        if (metric is not (VectorMetric.InnerProduct or VectorMetric.Cosine or VectorMetric.L2))
            throw new VectorFormatException(file, $"unknown or unsupported metric code {b[14]}", 14);
        var type = (VectorElementType)b[15];
        if (type is not (VectorElementType.Float32 or VectorElementType.Float16))
            throw new VectorFormatException(file, $"unknown or unsupported element type code {b[15]}", 15);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(b[16..]);
        if (dimension is < 1 or > VectorMatrix.MaxDimension) throw new VectorFormatException(file, $"dimension {dimension} is outside 1..{VectorMatrix.MaxDimension}", 16);
        int factoryBytes = BinaryPrimitives.ReadInt32LittleEndian(b[20..]);
        if (factoryBytes is < 1 or > MaxFactoryBytes) throw new VectorFormatException(file, $"factory string length {factoryBytes} is outside 1..{MaxFactoryBytes}", 20);
        long count = BinaryPrimitives.ReadInt64LittleEndian(b[24..]);
        long setRows = BinaryPrimitives.ReadInt64LittleEndian(b[32..]);
        if (setRows is < 0 or >= int.MaxValue) throw new VectorFormatException(file, $"vector set row count {setRows} is out of range", 32);
        if (count < 0 || count > setRows) throw new VectorFormatException(file, $"indexed row count {count} is outside 0..{setRows} (the vector set's rows)", 24);
        int sections = BinaryPrimitives.ReadInt32LittleEndian(b[48..]);
        if (sections is < 0 or > MaxSections) throw new VectorFormatException(file, $"section count {sections} is outside 0..{MaxSections}", 48);
        return new IndexFileHeader(kind, metric, type, dimension, factoryBytes, count, setRows, BinaryPrimitives.ReadUInt64LittleEndian(b[40..]), sections);
    }
}
