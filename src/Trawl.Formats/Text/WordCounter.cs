using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Trawl.Formats.Text;

/// <summary>
/// A fast word count over UTF-8: the number of runs of bytes above 0x20 (space, tab, newlines and
/// other ASCII control bytes separate words; every byte of a multi-byte character is above 0x20, so
/// "naïve café" is two words). Unicode spaces such as U+00A0 do not separate words. Vectorised with
/// a scalar fallback that gives the same answer.
/// </summary>
public static class WordCounter
{
    public static long Count(ReadOnlySpan<byte> utf8)
    {
        if (Vector256.IsHardwareAccelerated && utf8.Length >= Vector256<byte>.Count)
            return CountVector256(utf8);
        if (Vector128.IsHardwareAccelerated && utf8.Length >= Vector128<byte>.Count)
            return CountVector128(utf8);
        return CountScalar(utf8, previousIsWord: false);
    }

    internal static long CountScalar(ReadOnlySpan<byte> utf8, bool previousIsWord)
    {
        long words = 0;
        bool inWord = previousIsWord;
        foreach (byte b in utf8)
        {
            bool isWord = b > 0x20;
            if (isWord && !inWord)
                words++;
            inWord = isWord;
        }
        return words;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long CountVector256(ReadOnlySpan<byte> utf8)
    {
        ref byte start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(utf8);
        var space = Vector256.Create((byte)0x20);
        long words = 0;
        uint carry = 0; // 1 when the last byte of the previous block was a word byte
        int i = 0;
        for (; i <= utf8.Length - 32; i += 32)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            uint word = Vector256.GreaterThan(v, space).ExtractMostSignificantBits();
            // A word starts where a word byte follows a non-word byte.
            uint starts = word & ~((word << 1) | carry);
            words += BitOperations.PopCount(starts);
            carry = word >> 31;
        }
        return words + CountScalar(utf8[i..], carry != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long CountVector128(ReadOnlySpan<byte> utf8)
    {
        ref byte start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(utf8);
        var space = Vector128.Create((byte)0x20);
        long words = 0;
        uint carry = 0;
        int i = 0;
        for (; i <= utf8.Length - 16; i += 16)
        {
            var v = Vector128.LoadUnsafe(ref start, (nuint)i);
            uint word = Vector128.GreaterThan(v, space).ExtractMostSignificantBits();
            uint starts = word & ~((word << 1) | carry);
            words += BitOperations.PopCount(starts);
            carry = (word >> 15) & 1;
        }
        return words + CountScalar(utf8[i..], carry != 0);
    }
}
