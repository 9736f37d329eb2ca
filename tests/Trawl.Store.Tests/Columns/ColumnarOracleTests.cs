using System.Text;
using System.Text.Json;
using Trawl.Store.Columns;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Columns;

/// <summary>
/// Every count, facet, histogram and page the column files answer equals what the SQL path answers on the same
/// dataset: NULLs, mixed storage classes in one column, Unicode, empty strings, big integers, negative zero.
/// </summary>
public sealed class ColumnarOracleTests : IClassFixture<ColumnarOracleTests.MixedDataset>
{
    private readonly MixedDataset _data;

    public ColumnarOracleTests(MixedDataset data) => _data = data;

    public sealed class MixedDataset : IDisposable
    {
        public MixedDataset()
        {
            var rng = new Random(11);
            string[] words = ["cat", "dog", "Café", "naïve", "東京", "🙂", "sofa", "red", ""];
            var sb = new StringBuilder();
            for (int i = 0; i < 3000; i++)
            {
                var row = new Dictionary<string, object?>
                {
                    ["caption"] = string.Join(' ', Enumerable.Range(0, 2 + rng.Next(5)).Select(_ => words[rng.Next(words.Length)])),
                    ["category"] = (i % 17) switch { 0 => null, 1 => "", _ => words[rng.Next(words.Length)] },
                    ["score"] = i % 13 == 0 ? null : rng.Next(-20, 40),
                    ["rating"] = i % 11 == 0 ? null : (i % 29 == 0 ? -0.0 : Math.Round(rng.NextDouble() * 10 - 3, 2)),
                    // One column of mixed kinds: integers, reals, text that looks numeric, other text and NULLs.
                    ["mixed"] = (i % 6) switch { 0 => rng.Next(0, 5), 1 => rng.Next(0, 5) + 0.5, 2 => rng.Next(0, 5).ToString(), 3 => "x" + rng.Next(3), 4 => null, _ => 3 },
                    ["big"] = i % 7 == 0 ? long.MaxValue - rng.Next(3) : (long)rng.Next(-5, 5) * 1_000_000_007L,
                    ["name"] = $"item {i:D4} {words[i % words.Length]}",
                };
                sb.Append(JsonSerializer.Serialize(row)).Append('\n');
            }
            string path = Temp.File("mixed.jsonl");
            File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
            DatasetIngest.Run(Temp.Dataset(), new IngestRequest { Sources = [path], SearchColumns = ["caption"] });
            Dataset = Dataset.Open(Temp.Dataset());
        }

        public TempDir Temp { get; } = new();
        public Dataset Dataset { get; }

        public void Dispose()
        {
            Dataset.Dispose();
            Temp.Dispose();
        }
    }

    public static TheoryData<string> Queries() =>
    [
        "", "_search=cat", "_search=東京", "_search=naive", "category=", "category=Café", "category__not=cat",
        "category__isnull=1", "category__isnull=0", "score__gt=10", "score__lte=-3", "score=abc", "score__lt=abc",
        "rating__gte=0", "rating=0", "rating__lt=2.5", "mixed=3", "mixed__gt=2", "mixed__lt=x1", "mixed__in=3,x1,0.5",
        "mixed__isnull=1", "big__gt=0", "big=9223372036854775807", "category__contains=A", "category__startswith=na",
        "name__contains=%", "category__in=[\"cat\",\"\"]", "_search=cat&score__gt=0&category__not=dog",
        "score__in=", "mixed__gte=1.5",
    ];

    [Theory]
    [MemberData(nameof(Queries))]
    public void Counts_facets_and_histograms_equal_the_SQL_path(string query)
    {
        var q = Parse(query);
        var ds = _data.Dataset;
        long before = ds.ColumnarAnswers;
        var fast = Run(ds, q, columnar: true);
        Assert.True(ds.ColumnarAnswers > before, "the column files should answer this query");
        var slow = Run(ds, q, columnar: false);
        Assert.Equal(slow.Count, fast.Count);
        foreach (string column in new[] { "category", "score", "rating", "mixed", "big" })
            Assert.Equal(Describe(slow.Facets[column]), Describe(fast.Facets[column]));
        foreach (string column in new[] { "score", "rating", "big" })
            Assert.Equal(Describe(slow.Histograms[column]), Describe(fast.Histograms[column]));
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Sorted_pages_and_their_cursors_equal_the_SQL_path(string query)
    {
        var ds = _data.Dataset;
        foreach (string sort in new[] { "", "score", "rating", "mixed", "big", "category", "rowid" })
        {
            foreach (bool desc in new[] { false, true })
            {
                var q = Parse(query) with { Sort = sort.Length == 0 ? null : sort, SortDescending = desc, Size = 37 };
                var fast = Pages(ds, q, columnar: true);
                var slow = Pages(ds, q, columnar: false);
                Assert.Equal(slow, fast);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void Matching_rows_for_knn_allow_sets_equal_the_SQL_path(string query)
    {
        var ds = _data.Dataset;
        var q = Parse(query);
        long rows = ds.GetTable("mixed").RowCount;
        long before = ds.ColumnarAnswers;
        var fast = ds.MatchingRows(q, rows);
        ds.UseColumnFiles = false;
        try
        {
            var slow = ds.MatchingRows(q, rows);
            Assert.Equal(slow is null, fast is null);
            if (slow is not null)
            {
                Assert.True(ds.ColumnarAnswers > before, "the column files should answer this row set");
                Assert.Equal(slow.Count, fast!.Count);
                for (long r = 0; r < rows; r++)
                    Assert.Equal(slow.Contains(r), fast.Contains(r));
            }
        }
        finally
        {
            ds.UseColumnFiles = true;
        }
    }

    [Fact]
    public void An_append_extends_the_column_files_without_rebuilding_them()
    {
        using var temp = new TempDir();
        string first = temp.File("a.csv"), second = temp.File("b.csv");
        CsvFile.Write(first, ["n", "tag"], Enumerable.Range(0, 500).Select(i => new object?[] { (long)i, i % 3 == 0 ? "x" : "y" }));
        CsvFile.Write(second, ["n", "tag"], Enumerable.Range(500, 300).Select(i => new object?[] { (long)i, i % 5 == 0 ? "z" : "y" }));
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [first], Table = "t" });
        // Mark the first row's code (x -> y) in the file itself: an append keeps it, a rebuild would restore it.
        string codes = Directory.GetFiles(Path.Combine(temp.Dataset(), "columns"), "t.tag.codes").Single();
        using (var f = new FileStream(codes, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 64;
            Assert.Equal(0, f.ReadByte());
            f.Position = 64;
            f.WriteByte(1);
        }
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [second], Table = "t", Mode = IngestMode.Append });
        using var ds = Dataset.Open(temp.Dataset());
        var facet = ds.Facet(new TableQuery { Table = "t", Filters = [new ColumnFilter("n", FilterOp.Gte, "400")] }, "tag");
        var expected = Enumerable.Range(400, 400).Select(i => i < 500 ? (i % 3 == 0 ? "x" : "y") : (i % 5 == 0 ? "z" : "y"))
            .GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}");
        Assert.Equal(expected, facet.Values.Select(v => $"{v.Value}:{v.Count}"));
        var marked = ds.Facet(new TableQuery { Table = "t", Filters = [new ColumnFilter("n", FilterOp.Exact, "0")] }, "tag");
        Assert.Equal("y:1", string.Join(",", marked.Values.Select(v => $"{v.Value}:{v.Count}")));
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Dataset(), "columns"), "*.tmp-*"));
    }

    private static TableQuery Parse(string query)
    {
        var filters = new List<ColumnFilter>();
        string? search = null;
        foreach (string part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = part[..eq], value = part[(eq + 1)..];
            if (key == "_search")
            {
                search = value;
                continue;
            }
            var (column, op) = ColumnFilter.ParseKey(key)!.Value;
            filters.Add(new ColumnFilter(column, op, value));
        }
        return new TableQuery { Table = "mixed", Search = search, Filters = filters };
    }

    private sealed record Answers(long Count, Dictionary<string, FacetResult> Facets, Dictionary<string, Histogram> Histograms);

    private static Answers Run(Dataset ds, TableQuery q, bool columnar)
    {
        ds.UseColumnFiles = columnar;
        try
        {
            return new Answers(ds.CountRows(q),
                new[] { "category", "score", "rating", "mixed", "big" }.ToDictionary(c => c, c => ds.Facet(q, c, limit: 7)),
                new[] { "score", "rating", "big" }.ToDictionary(c => c, c => ds.Histogram(q, c, bins: 9)));
        }
        finally
        {
            ds.UseColumnFiles = true;
        }
    }

    private static List<string> Pages(Dataset ds, TableQuery q, bool columnar) =>
        PagedRows.Collect(ds, q, columnar,
            r => string.Join("|", r.Select(v => v is byte[] b ? Convert.ToHexString(b) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))),
            (page, rows, all) =>
            {
                if (page == 0)
                    all.Add("count " + rows.Count);
            });

    private static string Describe(FacetResult f) =>
        string.Join(";", f.Values.Select(v => $"{Kind(v.Value)}:{Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)}={v.Count}")) + (f.Truncated ? " +" : "");

    private static string Describe(Histogram h) =>
        $"{h.Min}..{h.Max} nulls {h.NullCount}: " + string.Join(";", h.Bins.Select(b => $"[{b.Low},{b.High})={b.Count}"));

    private static string Kind(object? v) => v switch { null => "null", long => "i", double => "r", string => "s", _ => "b" };
}
