using System.Text.Json;
using Trawl.Formats.Compression;
using Trawl.Formats.Sources;

namespace Trawl.Formats.Json;

/// <summary>
/// Tells whether a ".json" file is really JSON Lines, as many published datasets are: its first
/// line is a whole JSON object and another object follows on a later line. A pretty-printed
/// document starts with a line that is not a whole object, so it is never taken for JSON Lines.
/// </summary>
internal static class JsonLinesSniffer
{
    private const int SniffBytes = 1 << 20;

    public static bool LooksLikeJsonLines(string path)
    {
        using var source = SourceStream.Open(path);
        var buffer = new byte[SniffBytes];
        int length = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> data = buffer.AsSpan(0, length);
        if (data.StartsWith("\uFEFF"u8))
            data = data[3..];
        int firstEnd = data.IndexOf((byte)'\n');
        if (firstEnd < 0)
            return false;
        ReadOnlySpan<byte> first = data[..firstEnd];
        ReadOnlySpan<byte> rest = data[(firstEnd + 1)..];
        return IsWholeObject(first) && NextNonBlankStartsObject(rest);
    }

    private static bool IsWholeObject(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, JsonRowBuilder.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool NextNonBlankStartsObject(ReadOnlySpan<byte> rest)
    {
        int start = rest.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && rest[start] == (byte)'{' && !JsonText.IsBlank(rest);
    }
}
