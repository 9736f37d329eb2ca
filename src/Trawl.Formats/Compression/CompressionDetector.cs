using System.Buffers.Binary;

namespace Trawl.Formats.Compression;

/// <summary>
/// Tells a compression from a file's magic bytes and from its name. The bytes decide how a file is
/// read; the name only has to agree when it promises a compression.
/// </summary>
public static class CompressionDetector
{
    /// <summary>Bytes <see cref="FromMagic"/> needs to tell every kind apart.</summary>
    public const int MagicBytes = 6;

    public static CompressionKind FromMagic(ReadOnlySpan<byte> first)
    {
        if (first.Length >= 2 && first[0] == 0x1F && first[1] == 0x8B)
            return CompressionKind.Gzip;
        if (first.Length >= 4)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(first);
            // A zstd stream may open with a skippable frame (0x184D2A50..5F), as pzstd's files do.
            if (magic == 0xFD2FB528 || (magic & 0xFFFFFFF0) == 0x184D2A50)
                return CompressionKind.Zstd;
            if (first[0] == (byte)'B' && first[1] == (byte)'Z' && first[2] == (byte)'h' && first[3] is >= (byte)'1' and <= (byte)'9')
                return CompressionKind.Bzip2;
        }
        if (first.Length >= 6 && first[..6].SequenceEqual((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
            return CompressionKind.Xz;
        return CompressionKind.None;
    }

    /// <summary>The compression a file name promises by its last extension (.gz, .zst, .bz2, .xz), or None.</summary>
    public static CompressionKind FromName(string path) => Suffix(path).Kind;

    /// <summary>The file name without a compression extension: "a.jsonl.zst" → "a.jsonl".</summary>
    public static string NameWithoutCompression(string path)
    {
        string name = Path.GetFileName(path);
        var (kind, length) = Suffix(name);
        return kind == CompressionKind.None ? name : name[..^length];
    }

    public static string Describe(CompressionKind kind) => kind switch
    {
        CompressionKind.Gzip => "gzip",
        CompressionKind.Zstd => "zstd",
        CompressionKind.Bzip2 => "bzip2",
        CompressionKind.Xz => "xz",
        _ => "uncompressed",
    };

    private static (CompressionKind Kind, int Length) Suffix(string path)
    {
        string name = Path.GetFileName(path);
        foreach (var (ext, kind) in Extensions)
        {
            if (name.Length > ext.Length && name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                return (kind, ext.Length);
        }
        return (CompressionKind.None, 0);
    }

    private static readonly (string Ext, CompressionKind Kind)[] Extensions =
    [
        (".gz", CompressionKind.Gzip), (".gzip", CompressionKind.Gzip),
        (".zst", CompressionKind.Zstd), (".zstd", CompressionKind.Zstd),
        (".bz2", CompressionKind.Bzip2),
        (".xz", CompressionKind.Xz),
    ];
}
