using System.Runtime.CompilerServices;

namespace Trawl.Vectors.MinHash;

/// <summary>
/// MinHash signatures of texts over word shingles: words are runs of letters and digits, lower-cased;
/// a shingle is <c>ShingleWords</c> consecutive words (a shorter text is one shingle). Each shingle is
/// hashed once to 64 bits and permutation p maps it to the high half of <c>a_p·h + b_p</c> (mod 2^64);
/// the signature holds each permutation's minimum. Two signatures agree in a fraction of places that
/// estimates the Jaccard similarity of the two shingle sets. No allocation per text.
/// </summary>
public sealed class MinHasher
{
    private readonly ulong[] _a;
    private readonly ulong[] _b;

    public MinHasher(int permutations = 128, int shingleWords = 3, ulong seed = 0x5EED0F7A41UL)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permutations, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(shingleWords, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shingleWords, 16);
        Permutations = permutations;
        ShingleWords = shingleWords;
        _a = new ulong[permutations];
        _b = new ulong[permutations];
        ulong s = seed;
        for (int p = 0; p < permutations; p++)
        {
            _a[p] = SplitMix(ref s) | 1;
            _b[p] = SplitMix(ref s);
        }
    }

    public int Permutations { get; }
    public int ShingleWords { get; }

    /// <summary>Writes the signature of <paramref name="text"/>; returns the number of shingles (0 for a text without words: all-max signature).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Sign(ReadOnlySpan<char> text, Span<uint> signature)
    {
        if (signature.Length != Permutations) throw new ArgumentException($"signature has {signature.Length} places, not {Permutations}", nameof(signature));
        signature.Fill(uint.MaxValue);
        int w = ShingleWords;
        Span<ulong> window = stackalloc ulong[16];
        int words = 0, shingles = 0;
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
            if (i >= text.Length) break;
            ulong h = 0xCBF29CE484222325UL;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                h = (h ^ char.ToLowerInvariant(text[i])) * 0x100000001B3UL;
                i++;
            }
            window[words % w] = Mix(h);
            words++;
            if (words >= w)
            {
                Add(ShingleHash(window, words, w), signature);
                shingles++;
            }
        }
        if (words > 0 && words < w)
        {
            Add(ShingleHash(window, words, words), signature);
            shingles++;
        }
        return shingles;
    }

    /// <summary>The hash of the last <paramref name="count"/> words in the ring <paramref name="window"/> (of size ShingleWords), in order.</summary>
    private ulong ShingleHash(ReadOnlySpan<ulong> window, int words, int count)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        for (int k = words - count; k < words; k++)
            h = Mix(h ^ window[k % ShingleWords]) + (ulong)k - (ulong)words;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(ulong h, Span<uint> signature)
    {
        ulong[] a = _a, b = _b;
        for (int p = 0; p < signature.Length; p++)
        {
            uint v = (uint)((a[p] * h + b[p]) >> 32);
            if (v < signature[p]) signature[p] = v;
        }
    }

    /// <summary>The fraction of places where two signatures agree: the estimated Jaccard similarity.</summary>
    public static double Agreement(ReadOnlySpan<uint> x, ReadOnlySpan<uint> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("signatures of different lengths");
        int same = 0;
        for (int i = 0; i < x.Length; i++) if (x[i] == y[i]) same++;
        return x.Length == 0 ? 0 : (double)same / x.Length;
    }

    private static ulong SplitMix(ref ulong s)
    {
        ulong z = s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }
}
