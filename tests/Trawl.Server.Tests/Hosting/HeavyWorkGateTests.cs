using System.Net;
using Trawl.Server.Hosting;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Hosting;

public sealed class HeavyWorkGateTests
{
    [Fact]
    public async Task Beyond_the_slots_and_the_queue_a_request_is_refused_at_once()
    {
        var gate = new HeavyWorkGate(slots: 1, queue: 1);
        using var first = await gate.EnterAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var waiting = gate.EnterAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await Assert.ThrowsAsync<ServerBusyException>(() => gate.EnterAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        first.Dispose();
        using var second = await waiting;
        Assert.Equal(1, gate.Refused);
    }

    [Fact]
    public async Task A_request_that_waits_past_its_deadline_is_refused_and_frees_its_place()
    {
        var gate = new HeavyWorkGate(slots: 1, queue: 1);
        using var first = await gate.EnterAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await Assert.ThrowsAsync<ServerBusyException>(() => gate.EnterAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
        // Its place in the queue is free again.
        var next = gate.EnterAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        first.Dispose();
        using var slot = await next;
    }

    [Fact]
    public async Task A_busy_server_answers_503_with_retry_after_while_plain_pages_still_answer()
    {
        string root = Path.Combine(Path.GetTempPath(), "trawl-gate-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            string csv = Path.Combine(root, "t_0.csv");
            string dataset = Path.Combine(root, "d.trawl");
            File.WriteAllText(csv, "kind,n\na,1\na,2\nb,3\n");
            string npy = Path.Combine(root, "v_0.npy");
            Trawl.Formats.NumPy.NpyFile.Write<float>(npy, [1, 0, 0, 1, 1, 1], 3, 2);
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "t", Vectors = new Dictionary<string, IReadOnlyList<string>> { ["v"] = [npy] } });
            var options = new ServerOptions { Port = 0, HeavyWorkSlots = 1, HeavyWorkQueue = 0, SqlTimeLimit = TimeSpan.FromSeconds(6) };
            await using var app = TrawlServer.Build([dataset], options);
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            // SQL that runs until the time limit holds the only slot.
            string slow = Uri.EscapeDataString("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c");
            var refused = HttpStatusCode.OK;
            string? retryAfter = null;
            Task<HttpResponseMessage> holding = null!;
            // A probe can take the slot before the slow SQL does (then the slow SQL is the one refused): start again.
            for (int round = 0; round < 10 && refused != HttpStatusCode.ServiceUnavailable; round++)
            {
                holding = client.GetAsync($"/d/-/query.json?sql={slow}");
                for (int attempt = 0; attempt < 200 && refused != HttpStatusCode.ServiceUnavailable && !holding.IsCompleted; attempt++)
                {
                    await Task.Delay(25);
                    using var busy = await client.GetAsync($"/d/-/query.json?sql={Uri.EscapeDataString("select 1")}");
                    refused = busy.StatusCode;
                    retryAfter = busy.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (refused != HttpStatusCode.ServiceUnavailable)
                    (await holding).Dispose();
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
            Assert.Equal("1", retryAfter);
            if (!holding.IsCompleted)
            {
                // kNN is heavy work too: it waits for the slot (here past its deadline) or is refused.
                using var knn = await client.GetAsync("/d/-/knn?row=1&k=2");
                Assert.True(knn.StatusCode == HttpStatusCode.ServiceUnavailable || holding.IsCompleted, $"kNN answered {knn.StatusCode} while the slot was held");
            }
            using (var plain = await client.GetAsync("/d/t.json?kind=a"))
                Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            using var done = await holding;
            Assert.Equal(HttpStatusCode.BadRequest, done.StatusCode); // the slow SQL hit its time limit
            using (var after = await client.GetAsync($"/d/-/query.json?sql={Uri.EscapeDataString("select 1")}"))
                Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            using (var knnAfter = await client.GetAsync("/d/-/knn?row=1&k=2"))
                Assert.Equal(HttpStatusCode.OK, knnAfter.StatusCode);
            await app.StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
