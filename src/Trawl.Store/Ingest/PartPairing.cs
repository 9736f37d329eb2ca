namespace Trawl.Store.Ingest;

/// <summary>
/// Pairs metadata parts with vector parts by the part number in their file names: the last run of digits
/// (metadata_0003.parquet ↔ img_emb_0003.npy ↔ img_emb_3.npy, as clip-retrieval writes them). A single source
/// with a single HDF5 file per set needs no number.
/// </summary>
internal static class PartPairing
{
    /// <summary>For each source (same order), the vector file of each set. Errors name both sides.</summary>
    public static List<Dictionary<string, string>> Pair(IReadOnlyList<string> sources, IReadOnlyDictionary<string, IReadOnlyList<string>> vectors)
    {
        var result = new List<Dictionary<string, string>>(sources.Count);
        for (int i = 0; i < sources.Count; i++)
            result.Add(new Dictionary<string, string>(StringComparer.Ordinal));
        if (vectors.Count == 0)
            return result;
        // One source and one HDF5 file per set (a SISAP subset and its metadata TSV): nothing to pair by number.
        if (sources.Count == 1 && vectors.Values.All(files => files.Count == 1 && VectorSpec.Parse(files[0]).IsHdf5))
        {
            foreach (var (set, files) in vectors)
                result[0][set] = files[0];
            return result;
        }

        var sourceParts = new Dictionary<System.Numerics.BigInteger, string>();
        var sourceNumbers = new System.Numerics.BigInteger[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            var n = PartNumber(sources[i]) ?? throw new UserErrorException($"{sources[i]}: the file name has no part number (digits) to pair it with its vectors");
            if (sourceParts.TryGetValue(n, out string? other))
                throw new UserErrorException($"{other} and {sources[i]} have the same part number {n}; each part must appear once");
            sourceParts[n] = sources[i];
            sourceNumbers[i] = n;
        }
        foreach (var (set, files) in vectors)
        {
            if (files.Count != sources.Count)
            {
                // Name the first file on either side that has no partner.
                foreach (string f in files)
                {
                    var n = PartNumber(VectorFileName(f));
                    if (n is null || !sourceParts.ContainsKey(n.Value))
                        throw new UserErrorException($"--vectors {set}: {f} has no metadata part with part number {n?.ToString() ?? "(none)"} among the {sources.Count} sources (e.g. {sources[0]})");
                }
            }
            var byPart = new Dictionary<System.Numerics.BigInteger, string>();
            foreach (string f in files)
            {
                var n = PartNumber(VectorFileName(f)) ?? throw new UserErrorException($"--vectors {set}: {f}: the file name has no part number (digits) to pair it with a metadata part");
                if (byPart.TryGetValue(n, out string? other))
                    throw new UserErrorException($"--vectors {set}: {other} and {f} have the same part number {n}");
                byPart[n] = f;
            }
            for (int i = 0; i < sources.Count; i++)
            {
                if (!byPart.TryGetValue(sourceNumbers[i], out string? partner))
                    throw new UserErrorException($"{sources[i]} has no partner in --vectors {set}: no file with part number {sourceNumbers[i]} (files: {string.Join(", ", files.Take(5))}{(files.Count > 5 ? ", ..." : "")})");
                result[i][set] = partner;
            }
            if (byPart.Count != sources.Count)
            {
                var extra = byPart.First(kv => !sourceParts.ContainsKey(kv.Key));
                throw new UserErrorException($"--vectors {set}: {extra.Value} has no metadata part with part number {extra.Key} (e.g. {sources[0]})");
            }
        }
        return result;
    }

    /// <summary>The last run of digits in the file name without its extensions, or null.</summary>
    public static System.Numerics.BigInteger? PartNumber(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.');
        if (dot > 0)
            name = name[..dot];
        int end = name.Length;
        while (end > 0 && !char.IsAsciiDigit(name[end - 1]))
            end--;
        if (end == 0)
            return null;
        int start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1]))
            start--;
        return System.Numerics.BigInteger.Parse(name.AsSpan(start, end - start), provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"emb.npz:arr_0" → "emb.npz" (the member name is not part of the file name).</summary>
    public static string VectorFileName(string spec) => VectorSpec.Parse(spec).File;

    /// <summary>"metadata_0003" → "metadata": the table name for parts, without their number.</summary>
    public static string StripPartNumber(string tableName)
    {
        string stripped = tableName.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9').TrimEnd('_', '-');
        return stripped.Length == 0 || stripped.Equals("t", StringComparison.Ordinal) ? tableName : stripped;
    }
}
