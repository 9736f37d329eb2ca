using System.Numerics;
using System.Runtime.Intrinsics;

namespace Trawl.Store.FullText;

/// <summary>
/// Counts the positions in a run of an FTS5 position list at once: every varint ends with a byte below 0x80, so in
/// a run of whole varints with no column marker the positions are the bytes below 0x80. A column marker is the
/// varint 1 (a lone 0x01 byte); a run holding any 0x01 byte (a marker, or the last byte of a longer varint) is left
/// to the caller's varint-by-varint loop. Vector512 and Vector256 paths with a scalar fallback, tested against each
/// other.
/// </summary>
internal static class PoslistBytes
{
    /// <summary>Bytes below 0x80 in <paramref name="run"/>, or -1 when it holds a 0x01 byte.</summary>
    public static int CountEnds(ReadOnlySpan<byte> run)
    {
        if (Vector512.IsHardwareAccelerated && run.Length >= Vector512<byte>.Count)
            return CountEnds512(run);
        if (Vector256.IsHardwareAccelerated && run.Length >= Vector256<byte>.Count)
            return CountEnds256(run);
        return CountEndsScalar(run);
    }

    internal static int CountEnds512(ReadOnlySpan<byte> run)
    {
        int count = 0, i = 0;
        var one = Vector512.Create((byte)1);
        for (; i + Vector512<byte>.Count <= run.Length; i += Vector512<byte>.Count)
        {
            var v = Vector512.Create(run.Slice(i, Vector512<byte>.Count));
            if (Vector512.EqualsAny(v, one))
                return -1;
            count += Vector512<byte>.Count - BitOperations.PopCount(v.ExtractMostSignificantBits());
        }
        int tail = CountEndsScalar(run[i..]);
        return tail < 0 ? -1 : count + tail;
    }

    internal static int CountEnds256(ReadOnlySpan<byte> run)
    {
        int count = 0, i = 0;
        var one = Vector256.Create((byte)1);
        for (; i + Vector256<byte>.Count <= run.Length; i += Vector256<byte>.Count)
        {
            var v = Vector256.Create(run.Slice(i, Vector256<byte>.Count));
            if (Vector256.EqualsAny(v, one))
                return -1;
            count += Vector256<byte>.Count - BitOperations.PopCount(v.ExtractMostSignificantBits());
        }
        int tail = CountEndsScalar(run[i..]);
        return tail < 0 ? -1 : count + tail;
    }

    internal static int CountEndsScalar(ReadOnlySpan<byte> run)
    {
        int count = 0;
        foreach (byte b in run)
        {
            if (b == 1)
                return -1;
            if (b < 0x80)
                count++;
        }
        return count;
    }
}
