using System.Buffers.Binary;
using System.Text;

namespace Trawl.Formats.Tests.Images;

/// <summary>
/// Builds TIFF/EXIF blocks for the tests: directories of (tag, type, count, value bytes) written in either byte order,
/// values over 4 bytes placed after the directories, pointer tags (ExifOffset, GPSInfo, Interoperability) filled in;
/// then wraps them in a JPEG APP1 segment, a PNG eXIf chunk or a WebP EXIF chunk.
/// </summary>
internal sealed class ExifTiffBuilder(bool bigEndian)
{
    internal sealed record Entry(ushort Tag, ushort Type, uint Count, byte[] Value, Directory? Points = null);

    internal sealed class Directory
    {
        public List<Entry> Entries { get; } = [];
        public Directory? Next { get; set; }

        public Directory Add(ushort tag, ushort type, uint count, byte[] value)
        {
            Entries.Add(new Entry(tag, type, count, value));
            return this;
        }

        public Directory Pointer(ushort tag, Directory target)
        {
            Entries.Add(new Entry(tag, 4, 1, new byte[4], target));
            return this;
        }
    }

    public bool BigEndian { get; } = bigEndian;

    public byte[] Ascii(string s) => [.. Encoding.UTF8.GetBytes(s), 0];

    public byte[] Shorts(params int[] v) => [.. v.SelectMany(x => U16((ushort)x))];

    public byte[] Longs(params long[] v) => [.. v.SelectMany(x => U32((uint)x))];

    public byte[] Ratios(params (long N, long D)[] v) => [.. v.SelectMany(x => U32((uint)x.N).Concat(U32((uint)x.D)))];

    public byte[] Floats(params float[] v) => [.. v.SelectMany(x => U32((uint)BitConverter.SingleToInt32Bits(x)))];

    public byte[] Doubles(params double[] v) => [.. v.SelectMany(x => U64((ulong)BitConverter.DoubleToInt64Bits(x)))];

    public byte[] U16(ushort v)
    {
        var b = new byte[2];
        if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    public byte[] U32(uint v)
    {
        var b = new byte[4];
        if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    private byte[] U64(ulong v)
    {
        var b = new byte[8];
        if (BigEndian) BinaryPrimitives.WriteUInt64BigEndian(b, v); else BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return b;
    }

    /// <summary>The TIFF block: header, every directory reachable from <paramref name="first"/> (chain and pointers), then the values.</summary>
    public byte[] Tiff(Directory first)
    {
        var order = new List<Directory>();
        void Collect(Directory d)
        {
            if (order.Contains(d))
                return;
            order.Add(d);
            foreach (var e in d.Entries.Where(e => e.Points is not null))
                Collect(e.Points!);
            if (d.Next is not null)
                Collect(d.Next);
        }
        Collect(first);
        var at = new Dictionary<Directory, int>();
        int pos = 8;
        foreach (var d in order)
        {
            at[d] = pos;
            pos += 2 + 12 * d.Entries.Count + 4;
        }
        var data = new List<byte>();
        int dataStart = pos;
        var output = new List<byte>();
        output.AddRange(BigEndian ? "MM"u8.ToArray() : "II"u8.ToArray());
        output.AddRange(U16(42));
        output.AddRange(U32(8));
        foreach (var d in order)
        {
            output.AddRange(U16((ushort)d.Entries.Count));
            foreach (var e in d.Entries)
            {
                output.AddRange(U16(e.Tag));
                output.AddRange(U16(e.Type));
                output.AddRange(U32(e.Count));
                if (e.Points is not null)
                    output.AddRange(U32((uint)at[e.Points]));
                else if (e.Value.Length <= 4)
                    output.AddRange(e.Value.Concat(new byte[4 - e.Value.Length]));
                else
                {
                    output.AddRange(U32((uint)(dataStart + data.Count)));
                    data.AddRange(e.Value);
                    if (data.Count % 2 == 1)
                        data.Add(0);
                }
            }
            output.AddRange(U32(d.Next is null ? 0u : (uint)at[d.Next]));
        }
        output.AddRange(data);
        return [.. output];
    }

    /// <summary>SOI, a JFIF APP0, APP1 "Exif\0\0" + TIFF, then a DQT and the end marker (exifread reads no further).</summary>
    public static byte[] Jpeg(byte[] tiff)
    {
        var o = new List<byte> { 0xFF, 0xD8 };
        byte[] jfif = [0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        o.AddRange(jfif);
        int len = 2 + 6 + tiff.Length;
        o.AddRange([0xFF, 0xE1, (byte)(len >> 8), (byte)len, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0]);
        o.AddRange(tiff);
        o.AddRange([0xFF, 0xDB, 0, 67, 0]);
        o.AddRange(new byte[64]);
        o.AddRange([0xFF, 0xD9]);
        return [.. o];
    }

    public static byte[] Png(byte[] tiff)
    {
        var o = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        void Chunk(string type, byte[] data)
        {
            o.AddRange([(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
            o.AddRange(Encoding.ASCII.GetBytes(type));
            o.AddRange(data);
            o.AddRange(new byte[4]);    // CRC: not checked by exifread
        }
        Chunk("IHDR", new byte[13]);
        Chunk("eXIf", tiff);
        Chunk("IEND", []);
        return [.. o];
    }

    public static byte[] Webp(byte[] tiff)
    {
        var body = new List<byte>();
        body.AddRange("WEBP"u8.ToArray());
        body.AddRange("VP8X"u8.ToArray());
        body.AddRange([10, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        body.AddRange("EXIF"u8.ToArray());
        body.AddRange(BitConverter.GetBytes(tiff.Length));
        body.AddRange(tiff);
        var o = new List<byte>();
        o.AddRange("RIFF"u8.ToArray());
        o.AddRange(BitConverter.GetBytes(body.Count));
        o.AddRange(body);
        return [.. o];
    }
}
