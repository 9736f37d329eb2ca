using System.Text;
using System.Text.Json;
using Trawl.Formats.Tables;
using Trawl.Store.Columns;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Columns;

/// <summary>
/// The column files' bm25 orders every match as SQLite's <c>ORDER BY rank</c> does (here with no rank limit, so
/// SQLite ranks all matches): words repeated in a row, rows of every length, two indexed columns, several query
/// words, filters beside the search, pages continued by cursor, and after appends that extend the files.
/// </summary>
public sealed class RankedSearchOracleTests
{
    private static readonly string[] Words = ["cat", "dog", "red", "sofa", "woman", "beach", "aerial", "view", "city", "night", "Cat", "DOG"];

    private static string Write(TempDir temp, string name, int from, int count, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            // Lengths from 1 to 40 words, a few words repeated many times, so tf and length both matter.
            int n = 1 + rng.Next(rng.Next(4) == 0 ? 40 : 8);
            var caption = Enumerable.Range(0, n).Select(_ => Words[rng.Next(rng.Next(3) == 0 ? 3 : Words.Length)]);
            var row = new Dictionary<string, object?>
            {
                ["caption"] = string.Join(' ', caption),
                ["title"] = i % 5 == 0 ? null : Words[rng.Next(Words.Length)] + " " + Words[rng.Next(Words.Length)],
                ["n"] = i,
            };
            sb.Append(JsonSerializer.Serialize(row)).Append('\n');
        }
        string path = temp.File(name);
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    public static TheoryData<string, string?> Queries() => new()
    {
        { "cat", null },
        { "woman", null },
        { "cat dog", null },
        { "CAT", null },
        { "cat cat", null },
        { "\"sofa\" red", null },
        { "aerial view night", null },
        { "cat", "n__gt=1000" },
        { "dog", "n__lt=300" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Ranked_pages_equal_SQLite_rank_order_over_all_matches(string search, string? filter)
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 4000, 5)], SearchColumns = ["caption", "title"], Table = "t" });
        AssertSameOrder(temp.Dataset(), search, filter);

        // An append extends the ranking files from the new rows alone; the order must still be FTS5's.
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "b.jsonl", 4000, 1500, 6)], Table = "t", Mode = IngestMode.Append });
        AssertSameOrder(temp.Dataset(), search, filter);
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Dataset(), "columns"), "*.tmp-*"));
    }

    [Fact]
    public void An_append_extends_the_ranking_files_instead_of_rebuilding_them()
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 2000, 1)], SearchColumns = ["caption"], Table = "t" });
        string lengths = Path.Combine(temp.Dataset(), "columns", "t.doclen");
        // Mark row 0's length in the file: an extension keeps it, a rebuild would restore it.
        using (var f = new FileStream(lengths, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 64;
            f.Write(BitConverter.GetBytes(12345u));
        }
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "b.jsonl", 2000, 100, 2)], Table = "t", Mode = IngestMode.Append });
        using var stream = File.OpenRead(lengths);
        stream.Position = 64;
        var buffer = new byte[4];
        stream.ReadExactly(buffer);
        Assert.Equal(12345u, BitConverter.ToUInt32(buffer));
        var manifest = File.ReadAllText(Path.Combine(temp.Dataset(), "columns", "t.manifest.json"));
        Assert.Contains("\"Rows\": 2100", manifest);
    }

    [Fact]
    public void Each_append_adds_a_term_frequency_segment_and_too_many_are_folded_into_one()
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 1500, 11)], SearchColumns = ["caption", "title"], Table = "t" });
        string columns = Path.Combine(temp.Dataset(), "columns");
        string first = Path.Combine(columns, "t.termfreq");
        var firstWritten = File.GetLastWriteTimeUtc(first);
        int from = 1500;
        for (int part = 1; part <= SearchRankingBuilder.MaxSegments; part++)
        {
            DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, $"p{part}.jsonl", from, 200 + part * 10, 11 + part)], Table = "t", Mode = IngestMode.Append });
            from += 200 + part * 10;
            int expected = part < SearchRankingBuilder.MaxSegments ? part + 1 : 1;
            var segments = Directory.GetFiles(columns, "t.termfreq*").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(expected, segments.Count);
            if (part < SearchRankingBuilder.MaxSegments)
                Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(first));  // never rewritten by an append
            foreach (var (search, filter) in new[] { ("cat", (string?)null), ("cat dog", null), ("woman", "n__gt=600") })
                AssertSameOrder(temp.Dataset(), search, filter);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.3)]
    [InlineData(0.02)]
    [InlineData(0.001)]
    public void The_walk_by_length_finds_the_same_top_rows_as_the_scan(double density)
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 3000, 21)], SearchColumns = ["caption", "title"], Table = "t" });
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "b.jsonl", 3000, 700, 22)], Table = "t", Mode = IngestMode.Append });
        string folder = Path.Combine(temp.Dataset(), "columns");
        var manifest = ColumnManifest.TryRead(ColumnFiles.Manifest(folder, "t"))!;
        using var ranking = SearchRanking.Open(folder, "t", manifest.Search!, manifest.Rows);
        var rng = new Random(7);
        var matches = RowBitmap.Empty(manifest.Rows);
        for (long r = 0; r < manifest.Rows; r++)
        {
            if (rng.NextDouble() < density)
                matches.Add(r);
        }
        foreach (var terms in new[] { new[] { "cat" }, ["woman"], ["cat", "dog"], ["aerial", "view", "night"] })
        {
            var frequencies = terms.Select(_ => (long)rng.Next(1, 3000)).ToArray();
            foreach (int k in new[] { 1, 7, 50, 500, 5000 })
            {
                var scan = ranking.Top(matches, terms, frequencies, k, walk: RankingWalk.Scan);
                var walk = ranking.Top(matches, terms, frequencies, k, walk: RankingWalk.ByLength);
                Assert.Equal(scan, walk);
                Assert.Equal(Math.Min(k, matches.Count()), scan.Length);
            }
        }
    }

    [Fact]
    public void Damaged_ranking_files_fall_back_to_SQLite_and_trawl_columns_repairs_them()
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 3000, 3)], SearchColumns = ["caption"], Table = "t" });
        string freq = Path.Combine(temp.Dataset(), "columns", "t.termfreq");
        long length = new FileInfo(freq).Length;
        using (var f = new FileStream(freq, FileMode.Open, FileAccess.ReadWrite))
            f.SetLength(length - 7);
        var error = Assert.Throws<DataFormatException>(() => TermFrequencyFile.Open(freq));
        Assert.Contains("t.termfreq", error.Message);

        using (var ds = Dataset.Open(temp.Dataset()))
        {
            var page = ds.QueryRows(new TableQuery { Table = "t", Search = "cat", Size = 10 });
            // 'cat' matches more rows than the rank limit: without the files the page says it is not ranked.
            Assert.Equal(PageOrdering.RowIdUnranked, page.Ordering);
        }
        DatasetColumns.Update(temp.Dataset());
        Assert.Equal(length, new FileInfo(freq).Length);
        using (var ds = Dataset.Open(temp.Dataset()))
            Assert.Equal(PageOrdering.Relevance, ds.QueryRows(new TableQuery { Table = "t", Search = "cat", Size = 10 }).Ordering);
    }

    [Fact]
    public void Truncated_and_corrupted_term_frequency_files_are_refused_with_the_file_named()
    {
        using var temp = new TempDir();
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [Write(temp, "a.jsonl", 0, 500, 4)], SearchColumns = ["caption"], Table = "t" });
        string freq = Path.Combine(temp.Dataset(), "columns", "t.termfreq");
        byte[] good = File.ReadAllBytes(freq);
        using (TermFrequencyFile.Open(freq)) { }
        string copy = temp.File("copy.termfreq");
        var rng = new Random(9);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            if (trial % 2 == 0)
                bad = bad[..rng.Next(bad.Length)];
            else
                bad[64 + rng.Next(bad.Length - 64)] ^= (byte)(1 + rng.Next(255));
            File.WriteAllBytes(copy, bad);
            try
            {
                using var file = TermFrequencyFile.Open(copy);
                // A flipped count byte is a valid file; its lookups must stay in range.
                for (int i = 0; i < file.TermCount; i++)
                {
                    _ = file.Documents(i).Length;
                    _ = file.Counts(i).Length;
                }
            }
            catch (DataFormatException e)
            {
                Assert.Contains("copy.termfreq", e.Message);
            }
        }
    }

    private static void AssertSameOrder(string datasetPath, string search, string? filter)
    {
        using var ds = Dataset.Open(datasetPath);
        ds.RankLimit = int.MaxValue;
        var filters = new List<ColumnFilter>();
        if (filter is not null)
        {
            int eq = filter.IndexOf('=');
            var (column, op) = ColumnFilter.ParseKey(filter[..eq])!.Value;
            filters.Add(new ColumnFilter(column, op, filter[(eq + 1)..]));
        }
        var q = new TableQuery { Table = "t", Search = search, Filters = filters, Size = 97 };
        long before = ds.ColumnarAnswers;
        var fast = Pages(ds, q, columnar: true);
        Assert.True(ds.ColumnarAnswers > before, "the column files should rank this search");
        var slow = Pages(ds, q, columnar: false);
        Assert.True(slow.Count > 50, $"'{search}' should match many rows ({slow.Count})");
        Assert.Equal(slow, fast);
    }

    private static List<string> Pages(Dataset ds, TableQuery q, bool columnar) =>
        PagedRows.Collect(ds, q, columnar, r => Convert.ToString(r[0], System.Globalization.CultureInfo.InvariantCulture)!,
            (_, rows, _) => Assert.Equal(PageOrdering.Relevance, rows.Ordering));
}
