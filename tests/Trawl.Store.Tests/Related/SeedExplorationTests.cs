using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Related;
using Trawl.Store.Tests.Support;
using Trawl.Testing;

namespace Trawl.Store.Tests.Related;

/// <summary>The seed explorations of docs/explorations.md, end to end on generated data shaped like the real files
/// (and on ../shared/data's MusicCaps when it is there). Array facets and the pages are the server's: see
/// tests/Trawl.Server.Tests.</summary>
public sealed class SeedExplorationTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Aspects = ["rock", "e-guitar", "men's voice", "amateur recording", "low quality", "piano"];

    private string MusicCaps(int rows)
    {
        var rng = new Random(7);
        return CsvFile.Write(_temp.File("musiccaps-public.csv"), ["ytid", "start_s", "end_s", "audioset_positive_labels", "aspect_list", "caption", "author_id", "is_balanced_subset", "is_audioset_eval"],
            Enumerable.Range(0, rows).Select(i =>
            {
                var aspects = Aspects.OrderBy(_ => rng.Next()).Take(1 + i % 3).ToList();
                string list = "[" + string.Join(", ", aspects.Select(a => a.Contains('\'') ? $"\"{a}\"" : $"'{a}'")) + "]";
                return new object?[] { $"yt{i:D4}", 30, 40, "/m/04rlf", list, $"A recording of {string.Join(" and ", aspects)} number {i}", i % 9, i % 2 == 0 ? "True" : "False", "False" };
            }));
    }

    private string Videos(int rows) => CsvFile.Write(_temp.File("videos.csv"), ["id", "title", "channel", "published"],
        Enumerable.Range(0, rows).Where(i => i % 5 != 0).Select(i => new object?[] { $"yt{i:D4}", $"Video {i}", $"channel{i % 4}", "2020-01-01" }));

    [Fact]
    public void Musiccaps_with_videos_view_and_json_aspect_lists()
    {
        string ds = _temp.Dataset("musiccaps");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [MusicCaps(200)], Table = "musiccaps", Convert = ["aspect_list=python-list-to-json"] });
        DatasetIngest.Run(ds, new IngestRequest { Sources = [Videos(200)], Table = "videos", SearchColumns = [] });
        var view = DatasetViews.Create(ds, "musiccaps_details",
            "SELECT m.rowid AS rowid, m.ytid, m.caption, m.aspect_list, m.author_id, v.title, v.channel FROM musiccaps m LEFT JOIN videos v ON v.id = m.ytid",
            rowidOf: "musiccaps");
        Assert.Equal(200, view.RowCount);
        Assert.Equal(["caption"], view.SearchColumns);

        using var d = Dataset.Open(ds);
        Assert.Contains(d.ListTables(), t => t.Name == "musiccaps_details");
        // Search through the base table's index, a filter and a facet over the view.
        var query = new TableQuery { Table = "musiccaps_details", Search = "guitar", Filters = [new ColumnFilter("channel", FilterOp.Exact, "channel1")] };
        var page = d.QueryRows(query);
        var oracle = d.ExecuteSql("SELECT count(*) FROM musiccaps m JOIN videos v ON v.id = m.ytid WHERE m.caption LIKE '%guitar%' AND v.channel = 'channel1'").Rows[0][0];
        Assert.Equal(oracle, page.Count);
        Assert.True(page.Count > 0);
        var facet = d.Facet(new TableQuery { Table = "musiccaps_details" }, "channel");
        Assert.Equal(40, facet.Values.Single(v => v.Value is null).Count);
        // The converted lists are JSON: json_each counts each aspect, the apostrophe included.
        var aspects = d.ExecuteSql("SELECT j.value, count(*) FROM musiccaps_details, json_each(aspect_list) j GROUP BY j.value").Rows;
        Assert.Equal(Aspects.Order(StringComparer.Ordinal), aspects.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 200).Sum(i => 1L + i % 3), aspects.Sum(r => (long)r[1]!));
    }

    [SkippableFact]
    public void Real_musiccaps_aspect_lists_all_convert_to_json()
    {
        string csv = Requirements.SharedData("musiccaps/musiccaps-public.csv");
        string ds = _temp.Dataset("real");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [csv], Table = "musiccaps", Convert = ["aspect_list=python-list-to-json"] });
        using var d = Dataset.Open(ds);
        var nulls = d.ExecuteSql("SELECT count(*) FROM musiccaps WHERE aspect_list IS NULL OR json_valid(aspect_list) = 0").Rows[0][0];
        Assert.Equal(0L, nulls);
        // The 107 values with apostrophes that broke json_each on the raw text.
        var apostrophes = (long)d.ExecuteSql("SELECT count(*) FROM musiccaps, json_each(aspect_list) j WHERE j.value LIKE '%''%'").Rows[0][0]!;
        Assert.True(apostrophes > 0);
    }

    [Fact]
    public void Laion_like_parquet_domain_lookup_and_celebrity_counts()
    {
        string csv = CsvFile.Write(_temp.File("laion.csv"), ["URL", "TEXT", "WIDTH", "HEIGHT", "aesthetic"],
            Enumerable.Range(0, 300).Select(i => new object?[]
            {
                $"https://{(i % 3 == 0 ? "i.pinimg.com" : i % 3 == 1 ? "www.example.com" : "cdn.shop.org")}/{i}.jpg",
                i % 10 == 0 ? $"Dwayne 'The Rock' Johnson at event {i}" : i % 7 == 0 ? $"portrait by Greg Rutkowski {i}" : $"a photo {i}",
                512, 512, 6.5,
            }));
        string ds = _temp.Dataset("laion");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [csv], Table = "images", Derive = ["domain=URL"] });
        var extract = TableExtract.Run(ds, "images", "domain");
        Assert.Equal(3, extract.LookupRows);
        Assert.Equal(300, extract.RowsLinked);
        string names = CsvFile.Write(_temp.File("celebrities.csv"), ["name"], [["Dwayne 'The Rock' Johnson"], ["Greg Rutkowski"], ["Nobody \"Quoted\" Here"], [""], ["Greg Rutkowski"]]);
        var counts = NameCounts.Run(ds, names, "name", "celebrities");
        Assert.Equal(3, counts.Names);
        Assert.Equal(2, counts.NamesFound);

        using var d = Dataset.Open(ds);
        var lookup = d.ExecuteSql("SELECT id, domain, count FROM domain ORDER BY id").Rows;
        Assert.Equal(new object?[] { 1L, "cdn.shop.org", 100L }, lookup[0]);
        // The key points at the right value for every row.
        Assert.Equal(0L, d.ExecuteSql("SELECT count(*) FROM images i JOIN domain d ON d.id = i.domain_id WHERE d.domain <> i.domain").Rows[0][0]);
        Assert.Contains(d.GetTable("images").Columns, c => c.Name == "domain_id");
        var fk = Assert.Single(ForeignKeys.Read(ds));
        Assert.Equal(new ForeignKey("images", "domain_id", "domain", "id", "domain"), fk);
        // Filters on the new key column work through the pages' query path.
        var page = d.QueryRows(new TableQuery { Table = "images", Filters = [new ColumnFilter("domain_id", FilterOp.Exact, "1")] });
        Assert.Equal(100L, page.Count);
        var celebs = d.ExecuteSql("SELECT name, count, search FROM celebrities ORDER BY rowid").Rows;
        // Greg Rutkowski: i % 7 == 0 but not i % 10 == 0 (43 - 5); Dwayne: i % 10 == 0; most matched first.
        Assert.Equal(new object?[] { "Greg Rutkowski", 38L, "images" }, celebs[0]);
        Assert.Equal(new object?[] { "Dwayne 'The Rock' Johnson", 30L, "images" }, celebs[1]);
        Assert.Equal(0L, celebs[2][1]);
    }

    [Fact]
    public void Webvid_like_csv_duration_facet_from_iso_durations()
    {
        string csv = CsvFile.Write(_temp.File("results_2M_val.csv"), ["videoid", "contentUrl", "duration", "page_dir", "name"],
            Enumerable.Range(0, 60).Select(i => new object?[] { 1000 + i, $"https://ak.picdn.net/shutterstock/videos/{1000 + i}/preview/stock-footage.mp4", $"PT00H00M{10 + i % 3:D2}S", "006001_006050", $"aerial view of a forest {i}" }));
        string ds = _temp.Dataset("webvid");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [csv], Table = "webvid", Derive = ["seconds=duration_seconds(duration)"] });
        using var d = Dataset.Open(ds);
        Assert.Equal(SqlType.Integer, d.GetTable("webvid").FindColumn("seconds")!.SqlType);
        Assert.Equal(ColumnRole.Video, d.GetTable("webvid").FindColumn("contentUrl")!.Role);
        var facet = d.Facet(new TableQuery { Table = "webvid" }, "seconds");
        Assert.Equal([(10L, 20L), (11L, 20L), (12L, 20L)], facet.Values.Select(v => ((long)v.Value!, v.Count)).Order());
    }

    [Fact]
    public void Redpajama_urls_size_table_by_top_folder_matches_willisons_sql()
    {
        string[] folders = ["arxiv", "book", "c4", "common_crawl", "github", "stackexchange", "wikipedia"];
        var rng = new Random(3);
        string csv = CsvFile.Write(_temp.File("urls.csv"), ["url", "size"],
            Enumerable.Range(0, 140).Select(i => new object?[] { $"https://data.together.xyz/redpajama-data-1T/v1.0.0/{folders[i % 7]}/{(i % 7 == 3 ? "2023-06/" : "")}part_{i}.jsonl", rng.Next(1, 1_000_000) }));
        string ds = _temp.Dataset("redpajama");
        DatasetIngest.Run(ds, new IngestRequest
        {
            Sources = [csv], Table = "urls",
            Derive = ["top_folder=path_part(url, 3)", "top_folders=path_part(url, 3) || CASE WHEN path_part(url, 5) IS NOT NULL THEN '/' || path_part(url, 4) ELSE '' END"],
        });
        using var d = Dataset.Open(ds);
        var ours = d.Facet(new TableQuery { Table = "urls" }, "top_folder").Values.ToDictionary(v => (string)v.Value!, v => v.Count);
        // Willison's SQL over the raw URL, as in his RedPajama post.
        var his = d.ExecuteSql("""
            SELECT substr(substr(url, length('https://data.together.xyz/redpajama-data-1T/v1.0.0/') + 1), 1,
                          instr(substr(url, length('https://data.together.xyz/redpajama-data-1T/v1.0.0/') + 1), '/') - 1) AS top_folder,
                   count(*), sum(size)
            FROM urls GROUP BY top_folder
            """).Rows.ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(his.OrderBy(x => x.Key), ours.OrderBy(x => x.Key));
        var sizes = d.ExecuteSql("SELECT top_folder, sum(size) FROM urls GROUP BY top_folder ORDER BY 1").Rows;
        Assert.Equal(7, sizes.Count);
        Assert.Contains(d.ExecuteSql("SELECT DISTINCT top_folders FROM urls").Rows, r => (string)r[0]! == "common_crawl/2023-06");
    }

    [Fact]
    public void Columns_added_with_sqlite_are_visible_to_the_pages()
    {
        string ds = _temp.Dataset("m");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [MusicCaps(10)], Table = "musiccaps" });
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(ds, "meta.db")};Pooling=false"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "ALTER TABLE musiccaps ADD COLUMN rating INTEGER; UPDATE musiccaps SET rating = rowid % 3;";
            cmd.ExecuteNonQuery();
        }
        using var d = Dataset.Open(ds);
        Assert.Equal(SqlType.Integer, d.GetTable("musiccaps").FindColumn("rating")!.SqlType);
        var page = d.QueryRows(new TableQuery { Table = "musiccaps", Filters = [new ColumnFilter("rating", FilterOp.Exact, "2")] });
        Assert.Equal(3L, page.Count);
        Assert.Contains("rating", page.Columns);
    }

    [Theory]
    [InlineData("DELETE FROM musiccaps", "one SELECT")]
    [InlineData("SELECT rowid FROM musiccaps; DROP TABLE musiccaps", "")]
    [InlineData("SELECT nosuch FROM musiccaps", "no such column")]
    [InlineData("SELECT ytid FROM musiccaps", "rowid")]
    public void A_view_must_be_one_read_only_select_with_a_rowid(string sql, string message)
    {
        string ds = _temp.Dataset("m");
        DatasetIngest.Run(ds, new IngestRequest { Sources = [MusicCaps(10)], Table = "musiccaps" });
        var e = Assert.Throws<UserErrorException>(() => DatasetViews.Create(ds, "v", sql));
        Assert.Contains(message, e.Message);
        using var d = Dataset.Open(ds);
        Assert.DoesNotContain(d.ListTables(), t => t.Name == "v");
        Assert.Equal(10L, d.ExecuteSql("SELECT count(*) FROM musiccaps").Rows[0][0]);
    }

    [Fact]
    public void Fk_at_ingest_is_recorded_and_checked()
    {
        string ds = _temp.Dataset("coco");
        string images = CsvFile.Write(_temp.File("images.csv"), ["id", "file_name"], [[1, "a.jpg"], [2, "b.jpg"]]);
        string captions = CsvFile.Write(_temp.File("captions.csv"), ["id", "image_id", "caption"], [[10, 1, "a cat"], [11, 2, "a dog"]]);
        DatasetIngest.Run(ds, new IngestRequest { Sources = [images], Table = "images" });
        DatasetIngest.Run(ds, new IngestRequest { Sources = [captions], Table = "captions", ForeignKeys = ["image_id=images.id"] });
        Assert.Equal(new ForeignKey("captions", "image_id", "images", "id", null), Assert.Single(ForeignKeys.Read(ds)));
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(ds, new IngestRequest { Sources = [captions], Table = "c2", ForeignKeys = ["image_id=images.nope"] }));
        Assert.Contains("no column 'nope'", e.Message);
        Assert.Throws<UserErrorException>(() => DatasetIngest.Run(ds, new IngestRequest { Sources = [captions], Table = "c3", ForeignKeys = ["image_id"] }));
    }
}
