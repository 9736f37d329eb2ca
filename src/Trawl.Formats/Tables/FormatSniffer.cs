using Trawl.Formats.Compression;

namespace Trawl.Formats.Tables;

/// <summary>
/// The format of a file whose name does not say it, from its first bytes after decompression:
/// "WARC/" is WARC, '{' JSON Lines, '[' a JSON document, "PAR1" Parquet, "\x93NUMPY" .npy.
/// CSV is never guessed (almost any text would pass).
/// </summary>
internal static class FormatSniffer
{
    public static string? Sniff(string path)
    {
        using var source = SourceStream.Open(path);
        Span<byte> head = stackalloc byte[512];
        int n = source.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var bytes = head[..n];
        if (bytes.StartsWith("PAR1"u8))
            return source.Compression == CompressionKind.None ? "parquet" : null;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']))
            return source.Compression == CompressionKind.None ? "npy" : null;
        if (bytes.StartsWith("WARC/"u8))
            return "warc";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            bytes = bytes[3..];
        int i = 0;
        while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            i++;
        if (i == bytes.Length)
            return null;
        return bytes[i] switch
        {
            (byte)'{' => "jsonl",
            (byte)'[' => "json",
            _ => null,
        };
    }
}
