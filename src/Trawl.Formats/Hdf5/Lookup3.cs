namespace Trawl.Formats.Hdf5;

/// <summary>Bob Jenkins' lookup3 <c>hashlittle</c>, the checksum of HDF5's version-2 metadata (superblock 2, OHDR, ...).</summary>
internal static class Lookup3
{
    public static uint Hash(ReadOnlySpan<byte> key, uint initval = 0)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)key.Length + initval;
        int i = 0, length = key.Length;
        while (length > 12)
        {
            a += U32(key, i);
            b += U32(key, i + 4);
            c += U32(key, i + 8);
            Mix(ref a, ref b, ref c);
            i += 12;
            length -= 12;
        }
        if (length == 0) return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        key.Slice(i, length).CopyTo(tail);
        a += U32(tail, 0);
        b += U32(tail, 4);
        c += U32(tail, 8);
        Final(ref a, ref b, ref c);
        return c;
    }

    private static uint U32(ReadOnlySpan<byte> s, int i) => (uint)(s[i] | s[i + 1] << 8 | s[i + 2] << 16 | s[i + 3] << 24);

    private static uint Rot(uint x, int k) => (x << k) | (x >> (32 - k));

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= Rot(c, 4); c += b;
        b -= a; b ^= Rot(a, 6); a += c;
        c -= b; c ^= Rot(b, 8); b += a;
        a -= c; a ^= Rot(c, 16); c += b;
        b -= a; b ^= Rot(a, 19); a += c;
        c -= b; c ^= Rot(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= Rot(b, 14);
        a ^= c; a -= Rot(c, 11);
        b ^= a; b -= Rot(a, 25);
        c ^= b; c -= Rot(b, 16);
        a ^= c; a -= Rot(c, 4);
        b ^= a; b -= Rot(a, 14);
        c ^= b; c -= Rot(b, 24);
    }
}
