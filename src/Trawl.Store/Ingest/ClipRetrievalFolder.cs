namespace Trawl.Store.Ingest;

/// <summary>
/// The output folder of clip-retrieval's inference: FOLDER/embeddings/metadata/metadata_N.parquet (or
/// FOLDER/metadata/...), with img_emb/img_emb_N.npy → vector set "image" and text_emb/text_emb_N.npy → "text".
/// </summary>
public static class ClipRetrievalFolder
{
    /// <summary>The metadata parts and vector files of the folder, or null when it does not look like one.</summary>
    public static (IReadOnlyList<string> Sources, IReadOnlyDictionary<string, IReadOnlyList<string>> Vectors)? Find(string folder)
    {
        foreach (string root in new[] { Path.Combine(folder, "embeddings"), folder })
        {
            string metadata = Path.Combine(root, "metadata");
            if (!Directory.Exists(metadata))
                continue;
            var sources = Files(metadata, "metadata_", ".parquet");
            if (sources.Count == 0)
                continue;
            var vectors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (set, sub, prefix) in new[] { ("image", "img_emb", "img_emb_"), ("text", "text_emb", "text_emb_") })
            {
                string dir = Path.Combine(root, sub);
                if (!Directory.Exists(dir))
                    continue;
                var files = Files(dir, prefix, ".npy");
                if (files.Count > 0)
                    vectors[set] = files;
            }
            return (sources, vectors);
        }
        return null;
    }

    /// <summary>Files PREFIX*SUFFIX ordered by part number (so 10 comes after 9).</summary>
    private static List<string> Files(string dir, string prefix, string suffix) =>
        Directory.EnumerateFiles(dir)
            .Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal) && f.EndsWith(suffix, StringComparison.Ordinal))
            .OrderBy(f => PartPairing.PartNumber(f) ?? System.Numerics.BigInteger.MinusOne)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
}
