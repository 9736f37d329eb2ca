using Trawl.Cli.Demo;

namespace Trawl.Cli.Tests;

public sealed class DemoDataGeneratorTests
{
    private static List<DemoRow> Rows(int n, long seed) => new DemoDataGenerator(seed).Generate(n).ToList();

    [Fact]
    public void Same_seed_gives_the_same_csv_and_another_seed_differs()
    {
        string Csv(long seed)
        {
            var w = new StringWriter();
            DemoDataGenerator.WriteCsv(w, 2000, seed);
            return w.ToString();
        }
        Assert.Equal(Csv(5), Csv(5));
        Assert.NotEqual(Csv(5), Csv(6));
    }

    [Fact]
    public void Sample_ids_are_unique_and_increasing()
    {
        var ids = Rows(20_000, 1).Select(r => r.SampleId).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Domains_follow_a_zipf_like_skew_with_pinimg_first()
    {
        var gen = new DemoDataGenerator(3);
        Assert.Equal(DemoDataGenerator.DomainCount, gen.Domains.Count);
        Assert.Equal(gen.Domains.Count, gen.Domains.Distinct().Count());
        var counts = gen.Generate(50_000)
            .Select(r => Uri.TryCreate(r.Url, UriKind.Absolute, out var u) ? u.Host : "")
            .GroupBy(h => h)
            .ToDictionary(g => g.Key, g => g.Count());
        var ranked = counts.Where(kv => kv.Key != "").OrderByDescending(kv => kv.Value).ToList();
        Assert.Equal("i.pinimg.com", ranked[0].Key);
        Assert.Equal("cdn.shopify.com", ranked[1].Key);
        // Zipf: the top domain is about twice the second and far above the median.
        Assert.InRange((double)ranked[0].Value / ranked[1].Value, 1.5, 3.0);
        Assert.True(ranked.Count > 500, $"only {ranked.Count} domains seen");
        Assert.True(ranked[0].Value > 20 * ranked[ranked.Count / 2].Value);
    }

    [Fact]
    public void Nsfw_tags_follow_laion_proportions()
    {
        var rows = Rows(50_000, 9);
        double Share(string tag) => rows.Count(r => r.Nsfw == tag) / (double)rows.Count;
        Assert.InRange(Share("UNLIKELY"), DemoDataGenerator.UnlikelyShare - 0.01, DemoDataGenerator.UnlikelyShare + 0.01);
        Assert.InRange(Share("UNSURE"), DemoDataGenerator.UnsureShare - 0.01, DemoDataGenerator.UnsureShare + 0.01);
        Assert.InRange(Share("NSFW"), 0.02, 0.04);
        Assert.Equal(rows.Count, rows.Count(r => r.Nsfw is "UNLIKELY" or "UNSURE" or "NSFW"));
    }

    [Fact]
    public void Similarity_stays_in_laion_range_and_leans_low()
    {
        var sims = Rows(20_000, 2).Select(r => r.Similarity).ToList();
        Assert.All(sims, s => Assert.InRange(s, DemoDataGenerator.MinSimilarity, DemoDataGenerator.MaxSimilarity));
        double median = sims.Order().ElementAt(sims.Count / 2);
        Assert.True(median < (DemoDataGenerator.MinSimilarity + DemoDataGenerator.MaxSimilarity) / 2);
    }

    [Fact]
    public void Urls_point_at_images_except_the_planted_hostile_ones()
    {
        var rows = Rows(5000, 4);
        string[] extensions = [".jpg", ".jpeg", ".png", ".webp", ".gif"];
        for (int i = 0; i < rows.Count; i++)
        {
            if (DemoDataGenerator.HostileRows.TryGetValue(i, out var hostile) && hostile.Url is not null)
            {
                Assert.Equal(hostile.Url, rows[i].Url);
                continue;
            }
            Assert.True(rows[i].Url.StartsWith("http://", StringComparison.Ordinal) || rows[i].Url.StartsWith("https://", StringComparison.Ordinal), rows[i].Url);
            string path = new Uri(rows[i].Url).AbsolutePath;
            Assert.Contains(extensions, e => path.EndsWith(e, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Hostile_values_and_non_ascii_captions_are_present()
    {
        var rows = Rows(5000, 1);
        Assert.Contains(rows, r => r.Text.Contains("<script>alert(1)</script>", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Url.StartsWith("javascript:", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Text.Contains("Zürich", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Text.Contains("東京", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Text.Contains(" by ", StringComparison.Ordinal));
    }

    [Fact]
    public void Captions_vary_in_length()
    {
        var lengths = Rows(5000, 1).Select(r => r.Text.Length).ToList();
        Assert.True(lengths.Min() <= 10, $"shortest {lengths.Min()}");
        Assert.True(lengths.Max() >= 80, $"longest {lengths.Max()}");
        Assert.True(lengths.Distinct().Count() > 50);
    }

    [Fact]
    public void A_small_share_of_rows_repeats_an_earlier_url_and_caption()
    {
        var rows = Rows(50_000, 1);
        int repeats = rows.Count - rows.Select(r => (r.Url, r.Text)).Distinct().Count();
        Assert.InRange(repeats, 50_000 * DemoDataGenerator.DuplicateShare / 2, 50_000 * DemoDataGenerator.DuplicateShare * 2);
    }

    [Fact]
    public void Csv_has_the_laion_header_and_one_record_per_row()
    {
        using var tmp = new TempFolder();
        string path = tmp.Combine("demo.csv");
        DemoDataGenerator.WriteCsv(path, 500, 1);
        CliRun run = CliRun.Of("cat", path, "--format", "csv", "--limit", "1");
        Assert.StartsWith(string.Join(',', DemoDataGenerator.Columns), run.Ok().Out);
        int count = CliRun.Of("cat", path).Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal(500, count);
    }

    [Fact]
    public void Gzip_csv_reads_back_the_same_rows()
    {
        using var tmp = new TempFolder();
        DemoDataGenerator.WriteCsv(tmp.Combine("a.csv"), 300, 1);
        DemoDataGenerator.WriteCsv(tmp.Combine("a.csv.gz"), 300, 1);
        Assert.Equal(CliRun.Of("cat", tmp.Combine("a.csv")).Ok().Out, CliRun.Of("cat", tmp.Combine("a.csv.gz")).Ok().Out);
    }
}
