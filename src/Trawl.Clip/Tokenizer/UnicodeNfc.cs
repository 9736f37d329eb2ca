using System.Text;

namespace Trawl.Clip.Tokenizer;

/// <summary>Unicode NFC (canonical decomposition, canonical ordering, canonical composition) from tables generated out
/// of Python's unicodedata, since string.Normalize does nothing under invariant globalization.</summary>
internal static class UnicodeNfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28;
    private const int NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, int> Ccc = BuildCcc();
    private static readonly Dictionary<int, int[]> Decomp = BuildDecomp();
    private static readonly Dictionary<long, int> Compose = BuildCompose();

    public static string Normalize(string text)
    {
        int k = 0;
        while (k < text.Length && text[k] < 0x300) k++;
        if (k == text.Length)
            return text;

        var cps = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
            Decompose(rune.Value, cps);
        Reorder(cps);
        ComposeInPlace(cps);
        var sb = new StringBuilder(cps.Count);
        foreach (int cp in cps) sb.Append(new Rune(cp).ToString());
        return sb.ToString();
    }

    private static int ClassOf(int cp) => Ccc.TryGetValue(cp, out int c) ? c : 0;

    private static void Decompose(int cp, List<int> output)
    {
        if (cp >= SBase && cp < SBase + SCount)
        {
            int s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if (Decomp.TryGetValue(cp, out int[]? full)) output.AddRange(full); else output.Add(cp);
    }

    private static void Reorder(List<int> cps)
    {
        // Insertion sort by combining class inside each run of non-starters (stable, runs are short).
        for (int i = 1; i < cps.Count; i++)
        {
            int c = ClassOf(cps[i]);
            if (c == 0) continue;
            int j = i;
            while (j > 0 && ClassOf(cps[j - 1]) > c)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void ComposeInPlace(List<int> cps)
    {
        if (cps.Count == 0) return;
        int starter = ClassOf(cps[0]) == 0 ? 0 : -1;
        int lastClass = -1; // class of the last kept character after the starter; -1: none, the starter is adjacent
        int write = 1;
        for (int read = 1; read < cps.Count; read++)
        {
            int cp = cps[read];
            int cls = ClassOf(cp);
            bool blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cls);
            if (starter >= 0 && !blocked && TryCompose(cps[starter], cp, out int composite))
            {
                cps[starter] = composite;
                continue;
            }
            if (cls == 0)
            {
                starter = write;
                lastClass = -1;
            }
            else
            {
                lastClass = cls;
            }
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first >= LBase && first < LBase + LCount && second >= VBase && second < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
            return true;
        }
        if (first >= SBase && first < SBase + SCount && (first - SBase) % TCount == 0 && second > TBase && second < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }
        return Compose.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private static Dictionary<int, int> BuildCcc()
    {
        var d = new Dictionary<int, int>();
        var a = UnicodeNfcData.CombiningClasses;
        for (int i = 0; i < a.Length; i += 2) d[a[i]] = a[i + 1];
        return d;
    }

    private static Dictionary<int, int[]> BuildDecomp()
    {
        var d = new Dictionary<int, int[]>();
        var a = UnicodeNfcData.Decompositions;
        for (int i = 0; i < a.Length;)
        {
            int cp = a[i], n = a[i + 1];
            d[cp] = a.AsSpan(i + 2, n).ToArray();
            i += 2 + n;
        }
        return d;
    }

    private static Dictionary<long, int> BuildCompose()
    {
        var d = new Dictionary<long, int>();
        var a = UnicodeNfcData.Compositions;
        for (int i = 0; i < a.Length; i += 3) d[((long)a[i] << 21) | (uint)a[i + 1]] = a[i + 2];
        return d;
    }
}
