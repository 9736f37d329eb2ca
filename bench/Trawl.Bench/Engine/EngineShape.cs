using System.Globalization;
using Trawl.Store.Datasets;
using Trawl.Bench.Reporting;
using Trawl.Store.Queries;

namespace Trawl.Bench.Engine;

/// <summary>One kind of table the engine benchmark generates and queries: its source file, how it is ingested,
/// the words searched (at known shares of rows), the facets, histogram, filters and sorts asked of it.</summary>
internal sealed record EngineShape(
    string Name,
    string Table,
    (string Word, double Rate)[] Markers,
    string[] FacetColumns,
    string HistogramColumn,
    Func<string, long, string> Generate,
    Func<string, string[]> IngestArguments,
    Func<Dataset, long, (string Name, string Query, TableQuery Reference)[]> Pages)
{
    public static EngineShape Parse(string name) => name switch
    {
        "webvid" => WebVid,
        "laion" => LaionAesthetics,
        _ => throw new ArgumentException($"engine: unknown --shape {name} (webvid, laion)"),
    };

    /// <summary>WebVid-like CSV: videoid, contentUrl, duration, page_dir, name.</summary>
    public static readonly EngineShape WebVid = new(
        "webvid", "videos", WebVidCsvGenerator.Markers, ["duration", "page_dir"], "duration",
        (dir, rows) =>
        {
            string csv = Path.Combine(dir, $"webvid-{rows}.csv");
            if (!File.Exists(csv))
            {
                BenchReport.Progress($"generating {csv}");
                WebVidCsvGenerator.Write(csv, rows);
            }
            return csv;
        },
        source => ["--table", "videos", "--search", "name"],
        (probe, rows) =>
        {
            var row = probe.QueryRows(new TableQuery { Table = "videos", Filters = [new ColumnFilter("rowid", FilterOp.Exact, (rows / 2).ToString(CultureInfo.InvariantCulture))], Size = 1 });
            long someId = (long)row.Rows[0][1]!;
            return
            [
                ("filter_equal_videoid", $"videoid={someId}", Query("videos", ("videoid", FilterOp.Exact, someId.ToString(CultureInfo.InvariantCulture)))),
                ("filter_range_duration", "duration__gte=50", Query("videos", ("duration", FilterOp.Gte, "50"))),
                ("filter_equal_page_dir", "page_dir=0001_1_to_1", Query("videos", ("page_dir", FilterOp.Exact, "0001_1_to_1"))),
                ("sort_desc_duration", "_sort_desc=duration", new TableQuery { Table = "videos", Sort = "duration", SortDescending = true }),
                ("sort_videoid", "_sort=videoid", new TableQuery { Table = "videos", Sort = "videoid" }),
                ("sort_page_dir", "_sort=page_dir", new TableQuery { Table = "videos", Sort = "page_dir" }),
            ];
        });

    /// <summary>LAION-aesthetics-like Parquet: URL, TEXT, WIDTH, HEIGHT, similarity, punsafe, pwatermark, aesthetic,
    /// hash; ingested with the derived domain.</summary>
    public static readonly EngineShape LaionAesthetics = new(
        "laion", "images", LaionAestheticsGenerator.Markers, ["domain", "WIDTH"], "aesthetic",
        LaionAestheticsGenerator.Write,
        source => ["--table", "images", "--search", "TEXT", "--derive", "domain=URL"],
        (probe, rows) =>
        {
            var row = probe.QueryRows(new TableQuery { Table = "images", Filters = [new ColumnFilter("rowid", FilterOp.Exact, (rows / 2).ToString(CultureInfo.InvariantCulture))], Size = 1 });
            int hashIndex = row.Columns.ToList().IndexOf("hash");
            int domainIndex = row.Columns.ToList().IndexOf("domain");
            string hash = Convert.ToString(row.Rows[0][hashIndex], CultureInfo.InvariantCulture)!;
            string domain = (string)row.Rows[0][domainIndex]!;
            return
            [
                ("filter_equal_hash", $"hash={hash}", Query("images", ("hash", FilterOp.Exact, hash))),
                ("filter_range_aesthetic", "aesthetic__gte=7.5", Query("images", ("aesthetic", FilterOp.Gte, "7.5"))),
                ("filter_equal_WIDTH", "WIDTH=512", Query("images", ("WIDTH", FilterOp.Exact, "512"))),
                ("filter_equal_domain", $"domain={Uri.EscapeDataString(domain)}", Query("images", ("domain", FilterOp.Exact, domain))),
                ("sort_desc_aesthetic", "_sort_desc=aesthetic", new TableQuery { Table = "images", Sort = "aesthetic", SortDescending = true }),
                ("sort_similarity", "_sort=similarity", new TableQuery { Table = "images", Sort = "similarity" }),
                ("sort_domain", "_sort=domain", new TableQuery { Table = "images", Sort = "domain" }),
            ];
        });

    private static TableQuery Query(string table, (string Column, FilterOp Op, string Value) filter) =>
        new() { Table = table, Filters = [new ColumnFilter(filter.Column, filter.Op, filter.Value)] };
}
