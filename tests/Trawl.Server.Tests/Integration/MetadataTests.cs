using Trawl.Server.Metadata;
using Trawl.Server.Requests;
using Trawl.Store.Queries;
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
            Assert.Equal([new FacetRequest("author_id", FacetKind.Value), new FacetRequest("aspect_list", FacetKind.Array)], m.Table("m", "musiccaps")!.Facets);
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
        string csv = Write("musiccaps.csv", "ytid,caption,author_id,aspect_list\na1,a rock guitar riff,1,\"['rock', 'guitar']\"\na2,a soft piano piece,2,['piano']\na3,guitar and drums,1,\"['guitar', 'drums']\"\n");
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

    [Fact]
    public async Task Table_settings_from_metadata_reach_the_page_and_the_url_still_wins()
    {
        string csv = Write("clips.csv", "ytid,caption,author_id,aspect_list\n" + string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"y{i:D2},clip {i},{i % 4},\"['{(i % 2 == 0 ? "rock" : "jazz")}', 'guitar']\"\n")));
        string authors = Write("authors.csv", "id,first,last\n0,Ann,Lee\n1,Bob,<i>Ray</i>\n2,Cy,Poe\n3,Dee,Fox\n");
        string dataset = Path.Combine(_root, "m.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "clips", ForeignKeys = ["author_id=authors.id"] });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [authors], Table = "authors" });
        string yaml = """
            databases:
              m:
                tables:
                  clips:
                    title: Clips <by> hand
                    description: One row per clip
                    license: CC0
                    license_url: https://creativecommons.org/publicdomain/zero/1.0/
                    sort_desc: ytid
                    size: 7
                    facet_size: 3
                    facets: [author_id, {array: aspect_list}]
                    sortable_columns: [ytid, caption]
                    searchmode: raw
                    columns:
                      ytid: The <video> id
                  authors:
                    label_column: last
            """;
        var metadata = MetadataFile.Load(Write("metadata.yml", yaml));
        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0, Metadata = metadata });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var page = await client.GetJson("/m/clips.json");
        Assert.Equal(Enumerable.Range(33, 7).Reverse().Select(i => $"y{i:D2}"), page.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("ytid").GetString()));
        var facets = page.GetProperty("facets");
        Assert.Equal(3, facets.GetProperty("author_id").GetProperty("values").GetArrayLength());
        Assert.Equal(["guitar", "jazz"], facets.GetProperty("aspect_list (array)").GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()).Take(2).Order());
        Assert.Equal("The <video> id", page.GetProperty("column_descriptions").GetProperty("ytid").GetString());

        // The URL's own sort, size and facet size win; the metadata's facets stay, beside the asked one.
        var asked = await client.GetJson("/m/clips.json?_sort=caption&_size=2&_facet_size=1&_facet=ytid");
        Assert.Equal(["clip 0", "clip 1"], asked.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("caption").GetString()));
        Assert.Equal(["ytid", "author_id", "aspect_list (array)"], asked.GetProperty("facets").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, asked.GetProperty("facets").GetProperty("author_id").GetProperty("values").GetArrayLength());

        string html = await client.GetStringAsync("/m/clips");
        Assert.Contains("<h1>Clips &lt;by&gt; hand</h1>", html);
        Assert.Contains("One row per clip", html);
        Assert.Contains("href=\"https://creativecommons.org/publicdomain/zero/1.0/\"", html);
        Assert.Contains("<dt>ytid</dt><dd>The &lt;video&gt; id</dd>", html);
        Assert.Contains("(the table's default)", html);
        Assert.Contains("<span class=\"unsortable\">author_id</span>", html);
        using (var unsortable = await client.GetAsync("/m/clips.json?_sort=author_id"))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, unsortable.StatusCode);
            Assert.Contains("sortable_columns", await unsortable.Content.ReadAsStringAsync());
        }
        // searchmode: raw reads _search as FTS5 syntax (two phrases OR-ed), unless the URL says plain.
        Assert.Equal(2, (await client.GetJson("/m/clips.json?_search=%22clip+1%22+OR+%22clip+2%22")).Count());
        Assert.Equal(0, (await client.GetJson("/m/clips.json?_search=%22clip+1%22+OR+%22clip+2%22&_searchmode=plain")).Count());
        // The label column of the table a key points at comes from the metadata (authors has no name/title column).
        Assert.Contains(">&lt;i&gt;Ray&lt;/i&gt;</a> <em class=\"fk-key\">1</em>", html);

        // /-/metadata.json is the file, as JSON.
        var served = await client.GetJson("/-/metadata.json");
        Assert.Equal(7, served.GetProperty("databases").GetProperty("m").GetProperty("tables").GetProperty("clips").GetProperty("size").GetInt32());
        await app.StopAsync();

        var typo = MetadataFile.Load(Write("typo.yml", "databases:\n  m:\n    tables:\n      clips:\n        sort: ytdi\n"));
        var e = Assert.Throws<UserErrorException>(() => TrawlServer.Build([dataset], new ServerOptions { Port = 0, Metadata = typo }));
        Assert.Contains("typo.yml", e.Message);
        Assert.Contains("'databases.m.tables.clips.sort' names 'ytdi'", e.Message);
    }

    [Fact]
    public async Task Metadata_json_is_an_empty_object_without_a_file()
    {
        string csv = Write("t.csv", "a\n1\n");
        string dataset = Path.Combine(_root, "e.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csv], Table = "t" });
        await using var app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Assert.Equal("{}", (await client.GetJson("/-/metadata.json")).GetRawText());
        await app.StopAsync();
    }
}
