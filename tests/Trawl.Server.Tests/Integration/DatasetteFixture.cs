using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>A MusicCaps-shaped table (Python-list aspect_list with apostrophes, author_id, a date, a JSON column)
/// ingested after a second table whose name sorts later, served on a free loopback port.</summary>
public sealed class DatasetteFixture : IAsyncLifetime
{
    public const int RowCount = 300;
    public static readonly string[] Aspects = ["low quality", "e-guitar", "men's voice", "children's song", "piano", "amateur recording"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-datasette-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private RunningServer? _server;

    public sealed record Clip(long RowId, string Ytid, List<string> Aspects, string Caption, long AuthorId, string Recorded, string Meta);

    public List<Clip> Rows { get; } = [];

    /// <summary>The label of author <paramref name="id"/> (author 4's is markup, to check it is encoded).</summary>
    public static string AuthorName(long id) => id == 4 ? "<b>Eve</b>" : new[] { "Ann", "Bob", "Cy", "Dee" }[id];
    public HttpClient Client { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var rng = new Random(3);
        var csv = new StringBuilder("ytid,aspect_list,caption,author_id,recorded,meta\n");
        for (int i = 0; i < RowCount; i++)
        {
            var aspects = Aspects.Where(_ => rng.Next(3) == 0).ToList();
            string list = "[" + string.Join(", ", aspects.Select(a => a.Contains('\'') ? "\"" + a + "\"" : "'" + a + "'")) + "]";
            string caption = i == 7 ? "a <script>alert(1)</script> piano tune" : (i % 3 == 0 ? "a mellow piano ballad" : "an upbeat guitar song") + $" number {i}";
            long author = i % 5;
            string recorded = new DateTime(2023, 3, 1).AddDays(i % 12).AddHours(i % 24).ToString(i % 2 == 0 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string meta = $"{{\"n\": {i}, \"tags\": [\"t{i % 3}\"]}}";
            Rows.Add(new Clip(i, $"id{i:D4}", aspects, caption, author, recorded, meta));
            csv.Append($"id{i:D4},\"{list.Replace("\"", "\"\"")}\",\"{caption}\",{author},{recorded},\"{meta.Replace("\"", "\"\"")}\"\n");
        }
        string clips = Path.Combine(_root, "musiccaps.csv");
        File.WriteAllText(clips, csv.ToString());
        string videos = Path.Combine(_root, "videos.csv");
        File.WriteAllText(videos, "ytid,title\nid0000,first video\nid0001,second video\n");
        string authors = Path.Combine(_root, "authors.csv");
        File.WriteAllText(authors, "id,name\n" + string.Join("", Enumerable.Range(0, 5).Select(a => $"{a},{AuthorName(a)}\n")));
        string dataset = Path.Combine(_root, "caps.trawl");
        // "zz_musiccaps" is ingested first but sorts after "videos": the default table must still be it.
        // Foreign keys to tables ingested later: labels come from authors.name and videos.title (Datasette's guess).
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [clips], Table = "zz_musiccaps", SearchColumns = ["caption"], ForeignKeys = ["author_id=authors.id", "ytid=videos.ytid"] });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [videos], Table = "videos" });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [authors], Table = "authors" });
        // The MusicCaps exploration's view: clips with their video's title, searchable through the clips' index.
        Trawl.Store.Related.DatasetViews.Create(dataset, "musiccaps_details",
            "SELECT m.rowid AS rowid, m.ytid, m.caption, m.author_id, v.title FROM zz_musiccaps m LEFT JOIN videos v ON v.ytid = m.ytid", rowidOf: "zz_musiccaps");

        _server = await RunningServer.StartAsync([dataset], new ServerOptions { SqlTimeLimit = TimeSpan.FromSeconds(2) });
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
        }
    }
}
