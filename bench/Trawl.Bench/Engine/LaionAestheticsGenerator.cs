using Trawl.Bench.Laion;
using Trawl.Bench.Reporting;

namespace Trawl.Bench.Engine;

/// <summary>
/// A LAION-aesthetics-like Parquet written by DuckDB (snappy, row groups of 100,000): URL over a few thousand hosts,
/// TEXT from a skewed vocabulary plus three marker words at known shares ("aerial" ~60 %, "kayak" ~8 %, "origami"
/// ~0.3 %), WIDTH/HEIGHT, similarity, punsafe, pwatermark, aesthetic and a 64-bit hash. Deterministic.
/// </summary>
internal static class LaionAestheticsGenerator
{
    public static readonly (string Word, double Rate)[] Markers = [("aerial", 0.60), ("kayak", 0.08), ("origami", 0.003)];

    public static string Write(string dir, long rows)
    {
        string parquet = Path.Combine(dir, $"laion-aesthetics-{rows}.parquet");
        if (File.Exists(parquet))
            return parquet;
        BenchReport.Progress($"generating {parquet} with DuckDB");
        string words = string.Join(", ", LaionData.Vocabulary.Select(DuckDb.Literal));
        string sql = $"""
            COPY (
              WITH w AS (SELECT [{words}] AS v)
              SELECT
                'https://' || v[1 + (hash(i * 3) % 40)::INT] || (hash(i * 5) % 100)::VARCHAR || '.example.com/images/' || i::VARCHAR || '.jpg' AS URL,
                array_to_string(list_transform(range(4 + (hash(i * 7) % 16)::INT), j -> v[1 + ((hash(i * 31 + j) % 200) * (hash(i * 31 + j) % 200) / 200)::INT]), ' ')
                  || CASE WHEN hash(i * 41) % 1000 < 600 THEN ' aerial' ELSE '' END
                  || CASE WHEN hash(i * 43) % 10000 < 800 THEN ' kayak' ELSE '' END
                  || CASE WHEN hash(i * 47) % 100000 < 300 THEN ' origami' ELSE '' END AS TEXT,
                (64 + (hash(i * 17) % 25) * 64)::BIGINT AS WIDTH,
                (64 + (hash(i * 11) % 19) * 64)::BIGINT AS HEIGHT,
                0.25 + (hash(i * 29) % 10000) / 100000.0 AS similarity,
                (hash(i * 53) % 100000) / 100000.0 AS punsafe,
                (hash(i * 59) % 100000) / 100000.0 AS pwatermark,
                5.0 + (hash(i * 61) % 350000) / 100000.0 AS aesthetic,
                (hash(i * 67) // 2)::BIGINT AS hash
              FROM range({rows}) t(i), w ORDER BY i
            ) TO {DuckDb.Literal(parquet + ".tmp")} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100000)
            """;
        DuckDb.Run(sql);
        File.Move(parquet + ".tmp", parquet);
        return parquet;
    }
}
