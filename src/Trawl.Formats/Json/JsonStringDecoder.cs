using System.Globalization;
using System.Text;

namespace Trawl.Formats.Json;

/// <summary>
/// Decodes a JSON string's escapes when System.Text.Json refuses to: it rejects a lone surrogate
/// escape (<c>"\udc80"</c>), which Python writes for undecodable bytes and which scraped corpora
/// hold. Here a lone surrogate becomes U+FFFD, as Python's own UTF-8 encoder would with "replace".
/// </summary>
internal static class JsonStringDecoder
{
    /// <summary>Writes the UTF-8 of the escaped string body <paramref name="escaped"/> (already syntax-checked by the reader); returns the bytes written. The target needs no more room than the input.</summary>
    public static int Decode(ReadOnlySpan<byte> escaped, Span<byte> target)
    {
        int w = 0;
        int i = 0;
        while (i < escaped.Length)
        {
            byte b = escaped[i];
            if (b != (byte)'\\')
            {
                target[w++] = b;
                i++;
                continue;
            }
            byte e = escaped[i + 1];
            i += 2;
            switch (e)
            {
                case (byte)'b': target[w++] = 8; break;
                case (byte)'f': target[w++] = 12; break;
                case (byte)'n': target[w++] = 10; break;
                case (byte)'r': target[w++] = 13; break;
                case (byte)'t': target[w++] = 9; break;
                case (byte)'u':
                    int code = Hex4(escaped.Slice(i, 4));
                    i += 4;
                    if (char.IsHighSurrogate((char)code) && i + 6 <= escaped.Length && escaped[i] == (byte)'\\' && escaped[i + 1] == (byte)'u'
                        && char.IsLowSurrogate((char)Hex4(escaped.Slice(i + 2, 4))))
                    {
                        code = char.ConvertToUtf32((char)code, (char)Hex4(escaped.Slice(i + 2, 4)));
                        i += 6;
                    }
                    else if (char.IsSurrogate((char)code))
                    {
                        code = 0xFFFD;
                    }
                    w += new Rune(code).EncodeToUtf8(target[w..]);
                    break;
                default: target[w++] = e; break; // \" \\ \/
            }
        }
        return w;
    }

    private static int Hex4(ReadOnlySpan<byte> hex) => int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
