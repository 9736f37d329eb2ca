using Trawl.Store;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Hosting;

public sealed class BuildTests
{
    [Fact]
    public void A_missing_dataset_is_a_user_error()
    {
        string path = Path.Combine(Path.GetTempPath(), "trawl-missing-" + Guid.NewGuid().ToString("N"));
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([path], new ServerOptions { Port = 0 }));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("not an address")]
    public void A_host_that_is_not_an_address_is_a_user_error(string host) =>
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([], new ServerOptions { Host = host, Port = 0 }));

    [Fact]
    public void A_port_out_of_range_is_a_user_error() =>
        Assert.Throws<UserErrorException>(() => TrawlServer.Build([], new ServerOptions { Port = 70000 }));

    [Fact]
    public async Task Port_zero_binds_a_free_loopback_port_by_default()
    {
        await using var app = TrawlServer.Build([], new ServerOptions { Port = 0 });
        await app.StartAsync();
        var url = new Uri(app.Urls.Single());
        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
        using var client = new HttpClient { BaseAddress = url };
        string index = await client.GetStringAsync("/");
        Assert.Contains("No datasets", index);
        await app.StopAsync();
    }

    [Fact]
    public async Task Disposing_the_app_closes_the_datasets_files()
    {
        string root = Path.Combine(Path.GetTempPath(), "trawl-dispose-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        try
        {
            string csv = Path.Combine(root, "t.csv");
            File.WriteAllText(csv, "a,b\n1,x\n");
            string dataset = Path.Combine(root, "d.trawl");
            DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv] });
            if (!Directory.Exists("/proc/self/fd"))
                return; // the open-file check below reads Linux's /proc
            var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
            await app.StartAsync();
            using (var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) })
                await client.GetStringAsync("/d/t.json");
            Assert.NotEmpty(OpenFilesUnder(dataset));
            await app.StopAsync();
            await app.DisposeAsync();
            Assert.Empty(OpenFilesUnder(dataset));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static List<string> OpenFilesUnder(string folder)
    {
        string full = Path.GetFullPath(folder);
        var open = new List<string>();
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith(full, StringComparison.Ordinal))
                    open.Add(target);
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        return open;
    }
}
