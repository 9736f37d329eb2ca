using System.Text;
using Trawl.Formats.NumPy;
using Trawl.Store.Duplicates;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>The row page lists the other rows of its dup_cluster after <c>trawl dedupe</c>.</summary>
public sealed class NearDuplicatesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-neardup-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_row_page_lists_its_near_duplicates_and_the_kept_row()
    {
        Directory.CreateDirectory(_root);
        const int rows = 30, dim = 8;
        var rng = new Random(5);
        var vectors = new float[rows * dim];
        var csv = new StringBuilder("caption\n");
        for (int i = 0; i < rows; i++)
        {
            // Rows 10, 11 and 12 are one picture; the rest random.
            for (int d = 0; d < dim; d++) vectors[i * dim + d] = i is 11 or 12 ? vectors[10 * dim + d] : (float)(rng.NextDouble() * 2 - 1);
            csv.Append("photo ").Append(i).Append('\n');
        }
        File.WriteAllText(Path.Combine(_root, "pics_0.csv"), csv.ToString());
        NpyFile.Write<float>(Path.Combine(_root, "img_0.npy"), vectors, rows, dim);
        string dataset = Path.Combine(_root, "dups.trawl");
        DatasetIngest.Run(dataset, new IngestRequest
        {
            Sources = [Path.Combine(_root, "pics_0.csv")],
            Table = "pics",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["img"] = [Path.Combine(_root, "img_0.npy")] },
        });
        DatasetDedupe.Run(dataset, new DedupeRequest { Threshold = 0.999, Metric = "cosine" });

        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var json = await client.GetJson("/dups/pics/12.json");
        Assert.Equal([10L, 11L], json.GetProperty("near_duplicates").EnumerateArray().Select(e => e.GetInt64()));
        string html = await client.GetStringAsync("/dups/pics/11");
        Assert.Contains("Near-duplicates", html);
        Assert.Contains("row 10</a> (kept)", html);
        Assert.DoesNotContain("near_duplicates", (await client.GetJson("/dups/pics/3.json")).ToString());
        var kept = await client.GetJson("/dups/pics.json?dup_of__isnull=1&_size=100");
        Assert.Equal(rows - 2, kept.RowIds().Count());
        await app.StopAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
