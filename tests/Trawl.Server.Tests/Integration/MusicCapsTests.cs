using System.Net;
using System.Text.Json;
using Trawl.Store.Ingest;
using Trawl.Testing;

namespace Trawl.Server.Tests.Integration;

/// <summary>The real MusicCaps CSV (YouTube ids with clip times), served as the seed blog post explored it.</summary>
public sealed class MusicCapsTests
{
    [SkippableFact]
    public async Task MusicCaps_rows_play_their_exact_clips_and_search_works()
    {
        string csv = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        string root = Path.Combine(Path.GetTempPath(), "trawl-musiccaps-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string dataset = Path.Combine(root, "musiccaps.trawl");
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "captions" });
            await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            var page = await client.GetJson("/musiccaps/captions.json?_search=sitar&_size=5");
            Assert.True(page.Count() > 0);
            var first = page.GetProperty("rows")[0];
            string id = first.GetProperty("ytid").GetString()!;
            long start = first.GetProperty("start_s").GetInt64();
            long end = first.GetProperty("end_s").GetInt64();

            string html = await client.GetStringAsync("/musiccaps/captions?_search=sitar&_size=5");
            Assert.Contains($"data-yt=\"{WebUtility.HtmlEncode(id)}\" data-start=\"{start}\" data-end=\"{end}\"", html);

            var facets = await client.GetJson("/musiccaps/captions.json?_facet=is_balanced_subset&_size=1");
            long total = facets.GetProperty("facets").GetProperty("is_balanced_subset").GetProperty("values").EnumerateArray()
                .Sum(v => v.GetProperty("count").GetInt64());
            Assert.Equal(5521, total);
            await app.StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
