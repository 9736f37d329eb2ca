using System.Buffers;

namespace Trawl.Formats.Json;

/// <summary>Small byte-level helpers for JSON text.</summary>
internal static class JsonText
{
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>True when the bytes are only JSON whitespace.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> text) => text.IndexOfAnyExcept(Whitespace) < 0;

    /// <summary>
    /// Copies valid JSON text without the whitespace between tokens (strings are kept as they are);
    /// returns the bytes written. <paramref name="target"/> must be as long as <paramref name="json"/>.
    /// </summary>
    public static int Minify(ReadOnlySpan<byte> json, Span<byte> target)
    {
        if (json.IndexOfAny(Whitespace) < 0)
        {
            json.CopyTo(target);
            return json.Length;
        }
        int w = 0;
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte b = json[i];
            if (inString)
            {
                target[w++] = b;
                if (b == (byte)'\\' && i + 1 < json.Length)
                    target[w++] = json[++i];
                else if (b == (byte)'"')
                    inString = false;
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                target[w++] = b;
                if (b == (byte)'"')
                    inString = true;
            }
        }
        return w;
    }
}
