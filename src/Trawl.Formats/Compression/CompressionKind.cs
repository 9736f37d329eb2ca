namespace Trawl.Formats.Compression;

/// <summary>The compression around a source file's bytes, told by its first bytes (and checked against its name).</summary>
public enum CompressionKind : byte
{
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}
