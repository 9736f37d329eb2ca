namespace Trawl.Vectors.Indexes;

/// <summary>
/// A parsed factory string: <c>Flat</c>, <c>HNSW{M}</c> (optionally <c>,SQ8</c>: walk an int8 copy,
/// re-rank exactly), <c>IVF{nlist},PQ{m}</c> (optionally <c>,Refine</c>).
/// </summary>
public sealed record IndexSpec(IndexKind Kind, int M = 0, int NList = 0, int SubQuantizers = 0, bool Refine = false, bool Sq8 = false)
{
    public const int MaxHnswM = 256;
    public const int MaxNList = 1 << 20;
    public const int MaxSubQuantizers = 4096;

    /// <summary>The canonical factory string.</summary>
    public override string ToString() => Kind switch
    {
        IndexKind.Flat => "Flat",
        IndexKind.Hnsw => $"HNSW{M}" + (Sq8 ? ",SQ8" : ""),
        _ => $"IVF{NList},PQ{SubQuantizers}" + (Refine ? ",Refine" : ""),
    };

    /// <summary>Parses a factory string; the error names the fragment that could not be read.</summary>
    public static IndexSpec Parse(string factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        string[] parts = factory.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts[0].Length == 0)
            throw new ArgumentException("empty index factory string; expected Flat, HNSW32 or IVF4096,PQ64 (optionally ,Refine)", nameof(factory));
        int next;
        IndexSpec spec;
        string head = parts[0];
        if (head.Equals("Flat", StringComparison.OrdinalIgnoreCase))
        {
            spec = new IndexSpec(IndexKind.Flat);
            next = 1;
        }
        else if (head.StartsWith("HNSW", StringComparison.OrdinalIgnoreCase))
        {
            int m = Number(head, 4, 2, MaxHnswM, "HNSW needs M (neighbours per node), e.g. HNSW32");
            spec = new IndexSpec(IndexKind.Hnsw, M: m);
            next = 1;
        }
        else if (head.StartsWith("IVF", StringComparison.OrdinalIgnoreCase))
        {
            int nlist = Number(head, 3, 1, MaxNList, "IVF needs the number of lists, e.g. IVF4096");
            if (parts.Length < 2)
                throw new ArgumentException($"'{factory}': after '{head}' a codec is expected, e.g. {head},PQ64", nameof(factory));
            string pq = parts[1];
            if (!pq.StartsWith("PQ", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{factory}': cannot read '{pq}': the only IVF codec is PQ{{m}}, e.g. PQ64", nameof(factory));
            string bits = pq;
            int x = pq.IndexOf('x', StringComparison.OrdinalIgnoreCase);
            if (x >= 0)
            {
                // FAISS writes PQ64x8 for 8-bit codes; only 8 bits exist here.
                if (pq[(x + 1)..] != "8") throw new ArgumentException($"'{factory}': cannot read '{pq}': only 8-bit sub-quantisers (PQ{{m}}x8) are supported", nameof(factory));
                bits = pq[..x];
            }
            int m = Number(bits, 2, 1, MaxSubQuantizers, "PQ needs the number of sub-quantisers, e.g. PQ64");
            spec = new IndexSpec(IndexKind.IvfPq, NList: nlist, SubQuantizers: m);
            next = 2;
        }
        else
        {
            throw new ArgumentException($"'{factory}': cannot read '{head}': expected Flat, HNSW{{M}} or IVF{{nlist}}", nameof(factory));
        }
        for (; next < parts.Length; next++)
        {
            string part = parts[next];
            if (part.Equals("Refine", StringComparison.OrdinalIgnoreCase) || part.Equals("RFlat", StringComparison.OrdinalIgnoreCase))
            {
                if (spec.Refine) throw new ArgumentException($"'{factory}': '{part}' is given twice", nameof(factory));
                if (spec.Kind != IndexKind.IvfPq)
                    throw new ArgumentException($"'{factory}': '{part}' only applies to compressed indexes (IVF...,PQ...): {head} already ranks with exact distances", nameof(factory));
                spec = spec with { Refine = true };
                continue;
            }
            if (part.Equals("SQ8", StringComparison.OrdinalIgnoreCase))
            {
                if (spec.Sq8) throw new ArgumentException($"'{factory}': '{part}' is given twice", nameof(factory));
                if (spec.Kind != IndexKind.Hnsw)
                    throw new ArgumentException($"'{factory}': '{part}' only applies to HNSW (an int8 copy of the vectors for the graph walk)", nameof(factory));
                spec = spec with { Sq8 = true };
                continue;
            }
            throw new ArgumentException($"'{factory}': cannot read '{part}'" + (part.Length == 0 ? " (an empty fragment)" : "") + "; only ,Refine (IVF) or ,SQ8 (HNSW) may follow", nameof(factory));
        }
        return spec;

        int Number(string fragment, int start, int min, int max, string hint)
        {
            string digits = fragment[start..];
            if (digits.Length == 0) throw new ArgumentException($"'{factory}': cannot read '{fragment}': {hint}", nameof(factory));
            if (digits.Length > 9 || !digits.All(char.IsAsciiDigit))
                throw new ArgumentException($"'{factory}': cannot read '{fragment}': '{digits}' is not a whole number; {hint}", nameof(factory));
            int value = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
            if (value < min || value > max)
                throw new ArgumentException($"'{factory}': cannot read '{fragment}': {value} is outside {min}..{max}", nameof(factory));
            return value;
        }
    }
}
