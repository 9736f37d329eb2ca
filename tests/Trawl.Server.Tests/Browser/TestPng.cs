using System.Buffers.Binary;
using System.IO.Compression;

namespace Trawl.Server.Tests.Browser;

/// <summary>Small gradient PNGs for the browser tests' image server, so thumbnails load without the internet.</summary>
internal static class TestPng
{
    public static byte[] Gradient(int width, int height, int seed)
    {
        var raw = new byte[height * (1 + width * 3)];
        int k = 0;
        for (int y = 0; y < height; y++)
        {
            raw[k++] = 0; // filter: none
            for (int x = 0; x < width; x++)
            {
                raw[k++] = (byte)(40 + (seed * 53 + x * 150 / width) % 200);
                raw[k++] = (byte)(60 + (seed * 91 + y * 120 / height) % 180);
                raw[k++] = (byte)(90 + seed * 37 % 150);
            }
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                z.Write(raw);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        var typed = new byte[4 + data.Length];
        for (int i = 0; i < 4; i++)
            typed[i] = (byte)type[i];
        data.CopyTo(typed, 4);
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        s.Write(four);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    public static bool IsPng(byte[] bytes) =>
        bytes.Length > 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G';
}
