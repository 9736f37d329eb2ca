using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;

namespace Trawl.Bench.Laion;

/// <summary>
/// One synthetic LAION-like part: metadata Parquet with LAION's columns (written by DuckDB: snappy, row groups
/// of 100,000) and a float16 img_emb .npy of random unit vectors. Synthetic: the figures say so.
/// </summary>
internal static class LaionData
{
    public static string Parquet(string dir) => Path.Combine(dir, "metadata_0000.parquet");
    public static string Npy(string dir) => Path.Combine(dir, "img_emb_0000.npy");

    public static void Generate(string dir, int rows, int dimension)
    {
        Directory.CreateDirectory(dir);
        string parquet = Parquet(dir);
        if (!File.Exists(parquet))
        {
            // Words with a skewed choice (squares of a uniform pick favour early words), ~2% repeated url+caption pairs,
            // NSFW mostly UNLIKELY with some UNSURE, NSFW and NULL, like the real metadata.
            string words = string.Join(", ", Vocabulary.Select(DuckDb.Literal));
            string sql = $"""
                COPY (
                  WITH base AS (SELECT i, CASE WHEN hash(i * 13) % 50 = 0 THEN i - 1 ELSE i END AS k FROM range({rows}) t(i)),
                  w AS (SELECT [{words}] AS v)
                  SELECT
                    i::BIGINT AS SAMPLE_ID,
                    'https://' || v[1 + (hash(k * 3) % 40)::INT] || (hash(k * 5) % 900)::VARCHAR || '.example.com/images/' || k::VARCHAR || '.jpg' AS URL,
                    array_to_string(list_transform(range(4 + (hash(k * 7) % 16)::INT), j -> v[1 + ((hash(k * 31 + j) % 200) * (hash(k * 31 + j) % 200) / 200)::INT]), ' ') AS TEXT,
                    (64 + hash(i * 11) % 1200)::BIGINT AS HEIGHT,
                    (64 + hash(i * 17) % 1600)::BIGINT AS WIDTH,
                    CASE WHEN hash(i * 19) % 10 = 0 THEN 'https://creativecommons.org/licenses/by/4.0/' ELSE '?' END AS LICENSE,
                    CASE hash(i * 23) % 20 WHEN 0 THEN 'NSFW' WHEN 1 THEN 'UNSURE' WHEN 2 THEN NULL ELSE 'UNLIKELY' END AS NSFW,
                    0.25 + (hash(i * 29) % 10000) / 100000.0 AS similarity
                  FROM base, w ORDER BY i
                ) TO {DuckDb.Literal(parquet + ".tmp")} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100000)
                """;
            DuckDb.Run(sql);
            File.Move(parquet + ".tmp", parquet);
        }
        string npy = Npy(dir);
        if (!File.Exists(npy))
        {
            var data = new Half[(long)rows * dimension];
            var random = new Random(42);
            var row = new float[dimension];
            for (long r = 0; r < rows; r++)
            {
                double norm = 0;
                for (int c = 0; c < dimension; c++)
                {
                    row[c] = (float)(random.NextDouble() * 2 - 1);
                    norm += row[c] * row[c];
                }
                float scale = (float)(1 / Math.Sqrt(norm));
                var target = data.AsSpan((int)(r * dimension), dimension);
                for (int c = 0; c < dimension; c++)
                    target[c] = (Half)(row[c] * scale);
            }
            NpyFile.Write<Half>(npy + ".tmp", data, rows, dimension);
            File.Move(npy + ".tmp", npy);
        }
    }

    internal static readonly string[] Vocabulary = BuildVocabulary();

    private static string[] BuildVocabulary()
    {
        string[] seeds =
        [
            "photo", "of", "the", "a", "in", "and", "with", "on", "stock", "image", "vector", "illustration", "woman", "man", "dress",
            "red", "blue", "black", "white", "green", "vintage", "modern", "house", "garden", "dog", "cat", "beach", "sunset", "city",
            "street", "car", "wedding", "cake", "shoes", "leather", "bag", "design", "logo", "poster", "art", "painting", "print",
            "canvas", "wall", "decor", "kitchen", "table", "chair", "lamp", "flower", "tree", "mountain", "lake", "river", "sky",
            "night", "winter", "summer", "spring", "autumn", "christmas", "gift", "toy", "baby", "girl", "boy", "family", "portrait",
            "close", "up", "view", "from", "above", "background", "texture", "pattern", "seamless", "abstract", "colorful", "gold",
        ];
        var list = new List<string>(seeds);
        for (int i = 0; list.Count < 200; i++)
            list.Add(seeds[i % seeds.Length] + seeds[(i * 7 + 3) % seeds.Length]);
        return list.ToArray();
    }
}
