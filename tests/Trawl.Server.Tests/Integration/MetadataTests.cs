using Trawl.Server.Metadata;
using Trawl.Store;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>trawl serve --metadata: Datasette's metadata.yml / metadata.json.</summary>
public sealed class MetadataTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-metadata-" + Guid.NewGuid().ToString("N")[..12]);

    public MetadataTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private const string Yaml = """
        title: MusicCaps explored
        description: Captions <b>for</b> music clips
        license: CC BY-SA 4.0
        license_url: https://creativecommons.org/licenses/by-sa/4.0/
        source: Google
        source_url: javascript:alert(1)
        databases:
          m:
            description: The MusicCaps dataset
            tables:
              musiccaps:
                description: One row per clip
                facets: [author_id, {array: aspect_list}]
                size: 20
                columns:
                  ytid: YouTube id
              secret:
                hidden: true
            queries:
              by_author:
                title: Clips by author
                sql: SELECT ytid, caption FROM musiccaps WHERE author_id = :author ORDER BY ytid
        """;

    private string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Yaml_and_json_metadata_read_the_same()
    {
        var yaml = MetadataFile.Load(Write("metadata.yml", Yaml));
        var json = MetadataFile.Load(Write("metadata.json", """
            {"title": "MusicCaps explored", "databases": {"m": {"tables": {"musiccaps": {"facets": ["author_id", {"array": "aspect_list"}], "size": 20, "columns": {"ytid": "YouTube id"}}, "secret": {"hidden": true}},
             "queries": {"by_author": {"title": "Clips by author", "sql": "SELECT ytid, caption FROM musiccaps WHERE author_id = :author ORDER BY ytid"}}}}}
            """));
        foreach (var m in new[] { yaml, json })
        {
            Assert.Equal("MusicCaps explored", m.Title);
            Assert.Equal(["author_id", "aspect_list"], m.Table("m", "musiccaps")!.Facets);
            Assert.Equal(20, m.Table("m", "musiccaps")!.Size);
            Assert.Equal("YouTube id", m.Table("m", "musiccaps")!.Columns["ytid"]);
            Assert.True(m.IsHidden("M", "secret"));
            Assert.Equal(["author"], m.Query("m", "by_author")!.Parameters);
        }
    }

    [Theory]
    [InlineData("metadata.yml", "title: [unclosed", "line")]
    [InlineData("metadata.json", "{\"title\": ", "line")]
    [InlineData("metadata.yml", "databases: 3", "'databases' should be a mapping")]
    [InlineData("metadata.yml", "databases:\n  m:\n    tables:\n      t:\n        size: -1", "'databases.m.tables.t.size' should be a positive whole number")]
    [InlineData("metadata.yml", "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]", "values")]
    public void Bad_metadata_is_a_user_error_naming_the_file_and_place(string name, string text, string message)
    {
        string path = Write(name, text);
        var e = Assert.Throws<UserErrorException>(() => MetadataFile.Load(path));
        Assert.Contains(name, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task Pages_show_titles_hide_tables_and_run_canned_queries()
    {
        string csv = Write("musiccaps.csv", "ytid,caption,author_id\na1,a rock guitar riff,1\na2,a soft piano piece,2\na3,guitar and drums,1\n");
        string dataset = Path.Combine(_root, "m.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "musiccaps" });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "secret" });
        var metadata = MetadataFile.Load(Write("metadata.yml", Yaml));
        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0, Metadata = metadata });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        string index = await client.GetStringAsync("/");
        Assert.Contains("<h1>MusicCaps explored</h1>", index);
        Assert.Contains("Captions &lt;b&gt;for&lt;/b&gt; music clips", index);
        Assert.Contains("href=\"https://creativecommons.org/licenses/by-sa/4.0/\"", index);
        Assert.DoesNotContain("javascript:", index);
        Assert.DoesNotContain(">secret<", index);
        string db = await client.GetStringAsync("/m");
        Assert.Contains("One row per clip", db);
        Assert.Contains("Clips by author", db);
        Assert.DoesNotContain(">secret<", db);
        // Hidden, not gone: the table still answers by URL, as in Datasette.
        Assert.Equal(3, (await client.GetJson("/m/secret.json")).GetProperty("count").GetInt64());

        var rows = await client.GetJson("/m/by_author.json?author=1");
        Assert.Equal(2, rows.GetProperty("rows").GetArrayLength());
        // A sql parameter cannot replace the canned query's SQL.
        var same = await client.GetJson("/m/by_author.json?author=2&sql=SELECT+1");
        Assert.Equal(1, same.GetProperty("rows").GetArrayLength());
        await app.StopAsync();
    }
}
