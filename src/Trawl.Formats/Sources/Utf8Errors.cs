using System.Buffers;
using System.Text;

namespace Trawl.Formats.Sources;

/// <summary>Locates bad UTF-8 for error messages (only called once the fast check has failed).</summary>
internal static class Utf8Errors
{
    /// <summary>The index of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    public static int FirstInvalid(ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length)
        {
            if (Rune.DecodeFromUtf8(data[i..], out _, out int consumed) != OperationStatus.Done)
                return i;
            i += consumed;
        }
        return -1;
    }
}
