using Trawl.Formats.Images;

namespace Trawl.Store.Images;

/// <summary>A row's image read from its local shard: the bytes, their type (sniffed from the bytes) and a validator for caches.</summary>
public sealed record LocalImage(byte[] Bytes, ImageFormat Format, string ETag)
{
    public string MimeType => ImageSniffer.MimeType(Format)!;
}
