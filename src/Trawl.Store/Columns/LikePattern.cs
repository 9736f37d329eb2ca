namespace Trawl.Store.Columns;

/// <summary>SQLite's LIKE for the two shapes Trawl's filters make ('%text%', 'text%' and '%text'): ASCII letters match
/// either case, every other byte only itself, as SQLite's default LIKE does over UTF-8.</summary>
internal static class LikePattern
{
    public static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        if (needle.Length == 0)
            return true;
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (StartsWith(haystack[i..], needle))
                return true;
        }
        return false;
    }

    public static bool StartsWith(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        if (haystack.Length < needle.Length)
            return false;
        for (int i = 0; i < needle.Length; i++)
        {
            if (Fold(haystack[i]) != Fold(needle[i]))
                return false;
        }
        return true;
    }

    public static bool EndsWith(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) =>
        haystack.Length >= needle.Length && StartsWith(haystack[^needle.Length..], needle);

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
