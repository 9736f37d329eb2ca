using System.Globalization;

namespace Trawl.Server.Clip;

/// <summary>clip-retrieval's post-filter over a result list (KnnService.post_filter): near-duplicates (connected
/// components of results whose inner product is above 0.94, as FAISS range_search gives them; the first of each component stays), violent results
/// (best-matching violence prompt is prompt 1), and unsafe rows. Here "unsafe" comes from the dataset's own columns
/// (LAION's NSFW column saying NSFW or UNSURE, or a punsafe probability above 0.5) instead of a Keras model.</summary>
internal static class ClipRetrievalFilter
{
    public const float DuplicateThreshold = 0.94f;
    public const double UnsafeProbability = 0.5;

    /// <summary>Indexes of <paramref name="embeddings"/> (each L2-normalised) that are not the first of their component.</summary>
    public static HashSet<int> NearDuplicates(IReadOnlyList<float[]> embeddings)
    {
        int n = embeddings.Count;
        var neighbours = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            neighbours[i] = [];
            for (int j = 0; j < n; j++)
            {
                if (Dot(embeddings[i], embeddings[j]) > DuplicateThreshold) neighbours[i].Add(j);
            }
        }
        var seen = new bool[n];
        var remove = new HashSet<int>();
        for (int start = 0; start < n; start++)
        {
            if (seen[start]) continue;
            var stack = new Stack<int>();
            stack.Push(start);
            seen[start] = true;
            while (stack.Count > 0)
            {
                int node = stack.Pop();
                if (node != start) remove.Add(node);
                foreach (int next in neighbours[node])
                {
                    if (!seen[next]) { seen[next] = true; stack.Push(next); }
                }
            }
        }
        return remove;
    }

    public static HashSet<int> Violent(IReadOnlyList<float[]> embeddings, float[][] prompts)
    {
        var remove = new HashSet<int>();
        for (int i = 0; i < embeddings.Count; i++)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int p = 0; p < prompts.Length; p++)
            {
                float s = Dot(embeddings[i], prompts[p]);
                if (s > bestScore) { bestScore = s; best = p; }
            }
            if (best == 1) remove.Add(i);
        }
        return remove;
    }

    /// <summary>Whether a row's NSFW / punsafe value marks it unsafe.</summary>
    public static bool IsUnsafe(string column, object? value)
    {
        if (value is null) return false;
        if (column.Equals("punsafe", StringComparison.OrdinalIgnoreCase))
        {
            double p = value switch
            {
                double d => d,
                long l => l,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                _ => 0,
            };
            return p > UnsafeProbability;
        }
        string text = Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() ?? "";
        return text.Equals("NSFW", StringComparison.OrdinalIgnoreCase) || text.Equals("UNSURE", StringComparison.OrdinalIgnoreCase);
    }

    public static float Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return (float)s;
    }
}
