using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

public sealed class ReingestTests
{
    [Fact]
    public async Task Facets_are_recounted_after_the_table_is_replaced_with_as_many_rows()
    {
        string root = Path.Combine(Path.GetTempPath(), "trawl-reingest-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            string csv = Path.Combine(root, "t.csv");
            string dataset = Path.Combine(root, "d.trawl");
            File.WriteAllText(csv, "kind,n\na,1\na,2\nb,3\n");
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "t" });
            await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            var before = await client.GetJson("/d/t.json?_facet=kind");
            Assert.Equal("a", before.GetProperty("facets").GetProperty("kind").GetProperty("values")[0].GetProperty("value").GetString());

            // The file's write time must move on even on file systems with coarse timestamps.
            await Task.Delay(1100);
            File.WriteAllText(csv, "kind,n\nc,1\nc,2\nd,3\n");
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "t", Mode = IngestMode.Replace });

            var after = await client.GetJson("/d/t.json?_facet=kind");
            Assert.Equal("c", after.GetProperty("facets").GetProperty("kind").GetProperty("values")[0].GetProperty("value").GetString());
            await app.StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
