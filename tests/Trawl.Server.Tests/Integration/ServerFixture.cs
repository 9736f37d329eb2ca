using Microsoft.AspNetCore.Builder;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>A dataset ingested from a generated CSV, served on a free loopback port.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const int RowCount = 230;
    public const int SqlMaxRows = 50;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-server-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;

    internal IReadOnlyList<SampleRow> Rows { get; private set; } = [];

    public HttpClient Client { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where image URLs in the data point; the browser tests serve real images there.</summary>
    internal string ImageBase { get; set; } = "https://img.example.com";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Rows = SampleRow.Generate(RowCount, ImageBase);
        string csv = Path.Combine(_root, "photos.csv");
        SampleRow.WriteCsv(csv, Rows);
        string dataset = Path.Combine(_root, "sample.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "photos" });

        _app = TrawlServer.Build([dataset], new ServerOptions { Port = 0, SqlMaxRows = SqlMaxRows });
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single();
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
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
            // A file still held open on some platform; the temp folder is cleaned up eventually.
        }
    }
}
