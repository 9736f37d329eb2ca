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

    /// <summary>The real aspect_list column: Python lists, 107 of them with apostrophes that json_each rejects.
    /// Python's own literal_eval is the oracle.</summary>
    [SkippableFact]
    public async Task MusicCaps_aspect_list_array_facet_matches_python_literal_eval()
    {
        string csv = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        string python = Requirements.DebianPython();
        string script = """
            import ast, csv, collections, json, sys
            c = collections.Counter()
            author4 = 0
            for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
                c.update(set(ast.literal_eval(row['aspect_list'])))
                author4 += row['author_id'] == '4'
            print(json.dumps({'counts': dict(c), 'author4': author4, 'mens': c["men's voice"] if "men's voice" in c else 0}))
            """;
        var psi = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(csv);
        using var process = System.Diagnostics.Process.Start(psi)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(0, process.ExitCode);
        var oracle = JsonDocument.Parse(output).RootElement;
        var counts = oracle.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

        string root = Path.Combine(Path.GetTempPath(), "trawl-musiccaps-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string dataset = Path.Combine(root, "musiccaps.trawl");
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "captions" });
            await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            var page = await client.GetJson("/musiccaps/captions.json?_facet_array=aspect_list&_facet_size=max&_size=1");
            var facet = page.GetProperty("facets").GetProperty("aspect_list (array)");
            var values = facet.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt64());
            Assert.True(values.Count > 100);
            foreach (var (value, count) in values)
                Assert.True(counts.TryGetValue(value, out long expected) && expected == count, $"{value}: {count}, python says {(counts.TryGetValue(value, out long e) ? e : 0)}");
            var apostrophes = values.Keys.Where(k => k.Contains('\'')).ToList();
            Assert.NotEmpty(apostrophes);

            string withApostrophe = apostrophes[0];
            var filtered = await client.GetJson("/musiccaps/captions.json?_size=1&aspect_list__arraycontains=" + Uri.EscapeDataString(withApostrophe));
            Assert.Equal(values[withApostrophe], filtered.Count());

            var where = await client.GetJson("/musiccaps/captions.json?_where=author_id%3D4&_size=1");
            Assert.Equal(oracle.GetProperty("author4").GetInt64(), where.Count());
            await app.StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
