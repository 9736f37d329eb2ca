using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Derived;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Columns;

/// <summary>
/// Token totals: a column derived with token_count (or an integer column named like one) is a token-count column,
/// and its sums per table and per facet value, from the column files and from the SQL path, equal SQL's SUM.
/// </summary>
public sealed class TokenTotalsTests : IClassFixture<TokenTotalsTests.Corpus>
{
    private readonly Corpus _data;

    public TokenTotalsTests(Corpus data) => _data = data;

    public sealed class Corpus : IDisposable
    {
        public Corpus()
        {
            var rng = new Random(17);
            string[] words = ["the", "cat", "sat", "on", "mat", "東京", "naïve", "tokenizer", "🙂", "x"];
            string[] sources = ["arxiv", "book", "c4", "github"];
            var sb = new StringBuilder();
            for (int i = 0; i < 2500; i++)
            {
                var row = new Dictionary<string, object?>
                {
                    ["text"] = i % 97 == 0 ? null : string.Join(' ', Enumerable.Range(0, rng.Next(40)).Select(_ => words[rng.Next(words.Length)])),
                    ["source"] = i % 50 == 0 ? null : sources[rng.Next(sources.Length)],
                    ["n_tokens"] = i % 7 == 0 ? null : rng.Next(0, 5000),
                    ["tokenish"] = rng.Next(0, 9),
                };
                sb.Append(JsonSerializer.Serialize(row)).Append('\n');
            }
            string path = Temp.File("docs.jsonl");
            File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
            DatasetIngest.Run(Temp.Dataset(), new IngestRequest
            {
                Sources = [path],
                Table = "docs",
                SearchColumns = ["text"],
                DerivedColumns = [new DerivedColumn("tokens", DerivedKind.TokenCount, "text")],
            });
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

    [Fact]
    public void Derived_token_counts_and_token_count_names_are_token_count_columns()
    {
        var table = _data.Dataset.GetTable("docs");
        Assert.Equal(ColumnRole.TokenCount, table.FindColumn("tokens")!.Role);
        Assert.Equal(ColumnRole.TokenCount, table.FindColumn("n_tokens")!.Role);
        Assert.NotEqual(ColumnRole.TokenCount, table.FindColumn("tokenish")!.Role);
        Assert.Equal("n_tokens", table.TokenColumn!.Name); // the first one, in table order
    }

    public static TheoryData<string, string> Queries() => new()
    {
        { "", "" },
        { "source=c4", "WHERE source = 'c4'" },
        { "_search=cat", "WHERE rowid IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH 'cat')" },
        { "source__isnull=1", "WHERE source IS NULL" },
        { "n_tokens__gt=2500", "WHERE n_tokens > 2500" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Sums_per_table_and_per_facet_value_equal_SQL_SUM(string query, string where)
    {
        var ds = _data.Dataset;
        var q = Parse(query);
        foreach (string column in new[] { "tokens", "n_tokens" })
        {
            long expectedTotal = Convert.ToInt64(ds.ExecuteSql($"SELECT coalesce(sum({column}), 0) FROM docs {where}").Rows[0][0], CultureInfo.InvariantCulture);
            var expected = ds.ExecuteSql($"SELECT source, count(*) AS n, coalesce(sum({column}), 0) FROM docs {where} GROUP BY source ORDER BY n DESC, source")
                .Rows.Select(r => $"{r[0] ?? "(null)"}:{r[1]}:{r[2]}").ToList();
            Assert.True(expectedTotal > 0, "the oracle should sum something");
            foreach (bool columnar in new[] { true, false })
            {
                ds.UseColumnFiles = columnar;
                try
                {
                    long before = ds.ColumnarAnswers;
                    Assert.Equal(expectedTotal, ds.Sum(q, column));
                    var facet = ds.FacetWithSum(q, "source", column);
                    Assert.Equal(column, facet.SumColumn);
                    Assert.Equal(expected, facet.Values.Select(v => $"{v.Value ?? "(null)"}:{v.Count}:{v.Sum}").ToList());
                    Assert.Equal(columnar, ds.ColumnarAnswers > before);
                }
                finally
                {
                    ds.UseColumnFiles = true;
                }
            }
        }
    }

    [Fact]
    public void A_plain_facet_carries_no_sums()
    {
        var facet = _data.Dataset.Facet(new TableQuery { Table = "docs" }, "source");
        Assert.Null(facet.SumColumn);
        Assert.All(facet.Values, v => Assert.Null(v.Sum));
    }

    [Fact]
    public void Summing_an_unknown_column_names_it()
    {
        var e = Assert.Throws<UserErrorException>(() => _data.Dataset.Sum(new TableQuery { Table = "docs" }, "nope"));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
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
        return new TableQuery { Table = "docs", Search = search, Filters = filters };
    }
}
