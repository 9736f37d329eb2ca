using System.Buffers.Binary;

namespace Trawl.Vectors.Storage;

/// <summary>
/// The fixed 64-byte header of a vector set file (little-endian):
/// magic "TRWLVEC1", u16 version, u8 element type, u8 metric hint, u32 dimension, u64 count,
/// u64 data offset, u64 row bytes, u64 data checksum, u64 reserved, u64 header checksum.
/// </summary>
public sealed record VectorSetHeader(
    ushort Version,
    VectorElementType ElementType,
    VectorMetric? MetricHint,
    int Dimension,
    long Count,
    long DataOffset,
    long RowBytes,
    ulong DataChecksum)
{
    public const int Size = 64;
    public const ushort CurrentVersion = 1;
    internal static ReadOnlySpan<byte> Magic => "TRWLVEC1"u8;

    internal void WriteTo(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], Version);
        destination[10] = (byte)ElementType;
        destination[11] = (byte)(MetricHint ?? 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)Dimension);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], DataOffset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], RowBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[40..], DataChecksum);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[56..], Hash64.Of(destination[..56]));
    }

    /// <summary>Parses and checks a header against the length of its file.</summary>
    /// <param name="allowTrailing">accept data past the header's count (rows an append in place wrote but has not
    /// committed yet, or a crashed append left); the rows the header counts must still all be there</param>
    internal static VectorSetHeader Read(ReadOnlySpan<byte> bytes, long fileLength, string file, bool allowTrailing = false)
    {
        if (fileLength < Size || bytes.Length < Size)
            throw new VectorFormatException(file, $"the file is {fileLength} bytes, shorter than the {Size}-byte vector set header");
        if (!bytes[..8].SequenceEqual(Magic))
            throw new VectorFormatException(file, "not a Trawl vector set (the file does not start with TRWLVEC1)", 0);
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes[56..]);
        if (stored != Hash64.Of(bytes[..56]))
            throw new VectorFormatException(file, "the header checksum does not match: the header is corrupt", 56);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        if (version != CurrentVersion)
            throw new VectorFormatException(file, $"format version {version} is not supported (this build reads version {CurrentVersion})", 8);
        var type = (VectorElementType)bytes[10];
        if (!VectorElementTypes.IsDefined(type))
            throw new VectorFormatException(file, $"unknown element type code {bytes[10]}", 10);
        byte metricCode = bytes[11];
        if (metricCode > (byte)VectorMetric.Hamming)
            throw new VectorFormatException(file, $"unknown metric code {metricCode}", 11);
        uint dimension = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (dimension is < 1 or > VectorMatrix.MaxDimension)
            throw new VectorFormatException(file, $"dimension {dimension} is outside 1..{VectorMatrix.MaxDimension}", 12);
        long count = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        if (count < 0) throw new VectorFormatException(file, $"negative row count {count}", 16);
        long offset = BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]);
        if (offset != Size) throw new VectorFormatException(file, $"data offset {offset} is not {Size}", 24);
        long rowBytes = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]);
        long expectedRowBytes = VectorElementTypes.RowBytes(type, (int)dimension);
        if (rowBytes != expectedRowBytes)
            throw new VectorFormatException(file, $"row size {rowBytes} bytes does not fit {dimension} {type} components ({expectedRowBytes} bytes)", 32);
        long dataBytes = fileLength - offset;
        if (count > dataBytes / rowBytes || (count * rowBytes != dataBytes && !allowTrailing))
        {
            string problem = count > dataBytes / rowBytes
                ? $"the file is truncated: the header says {count} rows of {rowBytes} bytes, but only {dataBytes} bytes of data follow"
                : $"the header says {count} rows of {rowBytes} bytes ({count * rowBytes} bytes), but {dataBytes} bytes of data follow";
            throw new VectorFormatException(file, problem, 16);
        }
        return new VectorSetHeader(version, type, metricCode == 0 ? null : (VectorMetric)metricCode, (int)dimension, count, offset, rowBytes,
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[40..]));
    }
}
