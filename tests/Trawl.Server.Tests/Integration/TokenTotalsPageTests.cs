using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>The table page and its JSON show the matching rows' tokens and each facet value's tokens.</summary>
public sealed class TokenTotalsPageTests : IAsyncLifetime
{
    private static readonly string[] Sources = ["arxiv", "book", "c4"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-token-page-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;
    private HttpClient _client = null!;
    private readonly List<(string Source, long? Tokens)> _rows = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var rng = new Random(5);
        var sb = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            string source = Sources[rng.Next(Sources.Length)];
            long? tokens = i % 9 == 0 ? null : rng.Next(1, 100_000);
            _rows.Add((source, tokens));
            sb.Append(JsonSerializer.Serialize(new { text = $"document {i} <b>", source, n_tokens = tokens })).Append('\n');
        }
        string docs = Path.Combine(_root, "docs.jsonl");
        File.WriteAllText(docs, sb.ToString());
        string plain = Path.Combine(_root, "plain.csv");
        File.WriteAllText(plain, "name,kind\na,x\nb,y\nc,x\n");
        string dataset = Path.Combine(_root, "corpus.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [docs], Table = "docs" });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [plain], Table = "plain" });
        _app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_root, recursive: true);
    }

    private static string N(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private long TokensOf(string? source) => _rows.Where(r => source is null || r.Source == source).Sum(r => r.Tokens ?? 0);

    [Fact]
    public async Task Table_json_has_the_tables_tokens_and_each_facet_values_tokens()
    {
        var page = await _client.GetJson("/corpus/docs.json?_facet=source");
        Assert.Equal("n_tokens", page.GetProperty("token_column").GetString());
        Assert.Equal(TokensOf(null), page.GetProperty("tokens").GetInt64());
        var values = page.GetProperty("facets").GetProperty("source").GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(Sources.Length, values.Count);
        foreach (var v in values)
        {
            string source = v.GetProperty("value").GetString()!;
            Assert.Equal(_rows.Count(r => r.Source == source), v.GetProperty("count").GetInt64());
            Assert.Equal(TokensOf(source), v.GetProperty("tokens").GetInt64());
        }
    }

    [Fact]
    public async Task A_filtered_page_counts_the_tokens_of_the_matching_rows()
    {
        var page = await _client.GetJson("/corpus/docs.json?source=c4&_facet=source");
        Assert.Equal(TokensOf("c4"), page.GetProperty("tokens").GetInt64());
        var only = Assert.Single(page.GetProperty("facets").GetProperty("source").GetProperty("values").EnumerateArray());
        Assert.Equal(TokensOf("c4"), only.GetProperty("tokens").GetInt64());
    }

    [Fact]
    public async Task A_table_without_a_token_count_column_has_no_tokens()
    {
        var page = await _client.GetJson("/corpus/plain.json?_facet=kind");
        Assert.Equal(JsonValueKind.Null, page.GetProperty("token_column").ValueKind);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("tokens").ValueKind);
        Assert.All(page.GetProperty("facets").GetProperty("kind").GetProperty("values").EnumerateArray(),
            v => Assert.False(v.TryGetProperty("tokens", out _)));
    }

    [Fact]
    public async Task The_html_page_shows_the_tokens_per_table_and_per_source()
    {
        string html = await _client.GetStringAsync("/corpus/docs?_facet=source");
        Assert.Contains($"<strong class=\"token-count\">{N(TokensOf(null))}</strong> tokens", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"facet-sums\">", html, StringComparison.Ordinal);
        foreach (string source in Sources)
            Assert.Contains($"<tr><td>{source}</td><td>{N(_rows.Count(r => r.Source == source))}</td><td>{N(TokensOf(source))}</td></tr>", html, StringComparison.Ordinal);
    }
}
