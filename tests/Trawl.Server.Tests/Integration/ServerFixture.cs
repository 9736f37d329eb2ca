using Microsoft.AspNetCore.Builder;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>A dataset ingested from a generated CSV, served on a free loopback port.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const int RowCount = 230;
    public const int SqlMaxRows = 50;

    /// <summary>MusicCaps-shaped rows: a YouTube id with the clip's start and end, one id that is not valid.</summary>
    public const string ClipsCsv = """
        ytid,start_s,end_s,caption
        -0Gj8-vB1q4,30,40,a mellow piano ballad with soft female vocals
        dQw4w9WgXcQ,10,20,an upbeat synth pop song
        bad<id>x,0,10,a clip whose id is not a YouTube id
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-server-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private RunningServer? _server;

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
        string clips = Path.Combine(_root, "clips.csv");
        File.WriteAllText(clips, ClipsCsv);
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [clips], Table = "clips" });

        _server = await RunningServer.StartAsync([dataset], new ServerOptions { SqlMaxRows = SqlMaxRows });
        BaseUrl = _server.BaseUrl;
        Client = _server.Client;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
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
