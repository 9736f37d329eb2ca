using System.Globalization;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Cli.Demo;

/// <summary>
/// Fake "image" embeddings for the demo whose neighbourhoods agree with the captions: each word gets a
/// fixed random direction (from the seed and the word), a row's vector is the normalised sum of its caption
/// words' directions plus a little noise. Rows sharing words are near; the same seed gives the same vectors.
/// </summary>
internal sealed class DemoEmbeddings
{
    public const string SetName = "image";
    public const int Dimension = 64;
    /// <summary>Noise relative to one word's direction: small enough that shared words dominate.</summary>
    private const float NoiseScale = 0.35f;

    /// <summary>Words too common to say what a picture shows.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "on", "of", "in", "with", "and", "for", "at", "to", "by", "from", "is", "it", "its", "or", "as", "up", "de",
    };

    private readonly long _seed;
    private readonly Dictionary<string, float[]> _words = new(StringComparer.Ordinal);

    public DemoEmbeddings(long seed) => _seed = seed;

    /// <summary>A caption's words: runs of letters and digits, lower-cased, two or more characters.</summary>
    public static IEnumerable<string> Words(string? caption)
    {
        if (string.IsNullOrEmpty(caption))
            yield break;
        int start = -1;
        for (int i = 0; i <= caption.Length; i++)
        {
            bool inWord = i < caption.Length && char.IsLetterOrDigit(caption[i]);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                if (i - start >= 2)
                    yield return caption[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    /// <summary>Row <paramref name="rowid"/>'s vector for <paramref name="caption"/>, unit length.</summary>
    public void Embed(string? caption, long rowid, Span<float> destination)
    {
        destination.Clear();
        foreach (string word in Words(caption).Where(w => !StopWords.Contains(w)).Distinct())
        {
            var direction = WordVector(word);
            for (int d = 0; d < Dimension; d++)
                destination[d] += direction[d];
        }
        var noise = new DemoRandom(_seed * 7919 + rowid * 104729 + 13);
        for (int d = 0; d < Dimension; d++)
            destination[d] += NoiseScale * Gaussian(ref noise);
        double norm = 0;
        for (int d = 0; d < Dimension; d++)
            norm += destination[d] * destination[d];
        float scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0;
        for (int d = 0; d < Dimension; d++)
            destination[d] *= scale;
    }

    private float[] WordVector(string word)
    {
        if (_words.TryGetValue(word, out var v))
            return v;
        // FNV-1a of the word: stable across runs (string.GetHashCode is randomised per process).
        ulong h = 14695981039346656037UL;
        foreach (char c in word)
            h = (h ^ c) * 1099511628211UL;
        var random = new DemoRandom((long)(h ^ (ulong)_seed));
        v = new float[Dimension];
        double norm = 0;
        for (int d = 0; d < Dimension; d++)
        {
            v[d] = Gaussian(ref random);
            norm += v[d] * v[d];
        }
        for (int d = 0; d < Dimension; d++)
            v[d] = (float)(v[d] / Math.Sqrt(norm));
        _words[word] = v;
        return v;
    }

    /// <summary>A standard normal sample divided by √Dimension, so noise vectors are about unit length.</summary>
    private static float Gaussian(ref DemoRandom random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) / Math.Sqrt(Dimension));
    }

    /// <summary>Embeds every row of <paramref name="table"/> (by rowid) from <paramref name="captionColumn"/> into the
    /// dataset's vector set "image" (DATASET/vectors/image.f16, registered by the Store). Returns the number of vectors.</summary>
    public static long WriteVectorSet(string datasetPath, string table, string captionColumn, long seed)
    {
        var embeddings = new DemoEmbeddings(seed);
        return VectorSetRegistration.Add(datasetPath, table, SetName, VectorElementType.Float16, Dimension, VectorMetric.InnerProduct, writer =>
        {
            using var ds = Dataset.Open(datasetPath);
            var rows = ds.StreamRows(new TableQuery { Table = table }, out var columns);
            int caption = columns.ToList().FindIndex(c => c.Equals(captionColumn, StringComparison.OrdinalIgnoreCase));
            if (caption < 0)
                throw new InvalidOperationException($"table {table} has no column {captionColumn}");
            const int batchRows = 1024;
            var batch = new float[batchRows * Dimension];
            int inBatch = 0;
            long count = 0;
            foreach (var row in rows)
            {
                long rowid = (long)row[0]!;
                if (rowid != count)
                    throw new InvalidOperationException($"demo table rowids are not 0..n-1 (found {rowid} at position {count})");
                embeddings.Embed(row[caption] as string, rowid, batch.AsSpan(inBatch * Dimension, Dimension));
                count++;
                if (++inBatch == batchRows)
                {
                    writer.Append(batch);
                    inBatch = 0;
                }
            }
            writer.Append(batch.AsSpan(0, inBatch * Dimension));
        });
    }
}
