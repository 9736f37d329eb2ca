using System.Text;
using Microsoft.AspNetCore.Builder;
using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>The knn endpoint over a vector set that has an HNSW index (built with DatasetIndexes, as <c>trawl index</c> does).</summary>
public sealed class KnnIndexEndpointTests : IAsyncLifetime
{
    private const int Count = 3000, Dimension = 16;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-knn-index-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var rng = new Random(4);
        var csv = new StringBuilder("id,caption\n");
        var vectors = new float[Count * Dimension];
        for (int i = 0; i < Count; i++)
        {
            csv.Append(i).Append(",photo ").Append(i).Append('\n');
            for (int d = 0; d < Dimension; d++) vectors[i * Dimension + d] = (float)(rng.NextDouble() * 2 - 1);
        }
        string csvPath = Path.Combine(_root, "pics_0.csv"), npy = Path.Combine(_root, "img_0.npy");
        File.WriteAllText(csvPath, csv.ToString());
        NpyFile.Write<float>(npy, vectors, Count, Dimension);
        string dataset = Path.Combine(_root, "idx.trawl");
        DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [csvPath],
            Table = "pics",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["img"] = [npy] },
        });
        DatasetIndexes.Build(dataset, "img", "HNSW16", new DatasetIndexBuildOptions { Seed = 1 });
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
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned up with the temp folder eventually.
        }
    }

    [Fact]
    public async Task Knn_uses_the_index_by_default_with_ef_from_the_query()
    {
        var indexed = await _client.GetJson("/idx/-/knn?row=10&k=10&ef=200");
        Assert.Equal("HNSW16", indexed.GetProperty("index").GetString());
        var exact = await _client.GetJson("/idx/-/knn?row=10&k=10&exact=true");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, exact.GetProperty("index").ValueKind);
        Assert.True(indexed.RowIds().Intersect(exact.RowIds()).Count() >= 9);
        Assert.DoesNotContain(10L, indexed.RowIds());
    }

    [Fact]
    public async Task Ef_that_is_not_a_positive_number_is_a_bad_request()
    {
        using var response = await _client.GetAsync("/idx/-/knn?row=10&ef=zero");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ef must be", await response.Content.ReadAsStringAsync());
    }
}
