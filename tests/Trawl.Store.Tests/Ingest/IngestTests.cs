using Microsoft.Data.Sqlite;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

public sealed class IngestTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Csv(string name, string text)
    {
        string path = _temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static List<object?[]> AllRows(Dataset ds, string table) =>
        ds.StreamRows(new TableQuery { Table = table }, out _).ToList();

    [Fact]
    public void Ingest_round_trips_rows_and_infers_column_types()
    {
        var rows = new GeneratedRows(500);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });

        Assert.Equal("items", report.Table);
        Assert.Equal(500, report.RowsRead);
        Assert.Equal(500, report.RowsKept);
        using var ds = Dataset.Open(_temp.Path + "/ds");
        var table = ds.GetTable("ITEMS");
        Assert.Equal(500, table.RowCount);
        Assert.Equal(["id", "caption", "category", "score", "rating", "url", "code"], table.Columns.Select(c => c.Name));
        Assert.Equal(SqlType.Integer, table.FindColumn("id")!.SqlType);
        Assert.Equal(SqlType.Integer, table.FindColumn("score")!.SqlType);
        Assert.Equal(SqlType.Real, table.FindColumn("rating")!.SqlType);
        Assert.Equal(SqlType.Text, table.FindColumn("code")!.SqlType);
        Assert.Equal(["caption"], table.SearchColumns);
        Assert.Equal(ColumnRole.Caption, table.FindColumn("caption")!.Role);
        Assert.Equal(ColumnRole.Image, table.FindColumn("url")!.Role);

        var stored = AllRows(ds, "items");
        Assert.Equal(500, stored.Count);
        for (int i = 0; i < 500; i++)
        {
            var expected = rows.Rows[i];
            Assert.Equal((long)i, stored[i][0]); // rowid is the 0-based position
            Assert.Equal(expected[0], stored[i][1]);
            Assert.Equal(expected[1], stored[i][2]);
            Assert.Equal(expected[2], stored[i][3]);
            Assert.Equal(expected[3] is null ? null : Convert.ToInt64(expected[3]), stored[i][4]);
            Assert.Equal((double)expected[4]!, (double)stored[i][5]!, 9);
            Assert.Equal(expected[6], stored[i][7]);
        }
    }

    [Fact]
    public void Values_that_do_not_fit_the_inferred_type_are_kept_as_text()
    {
        // The first batch (2 rows) says INTEGER; a later row holds text.
        string csv = Csv("t.csv", "n,s\n1,a\n2,b\nthree,c\n007,d\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], BatchRows = 2 });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(SqlType.Integer, ds.GetTable("t").FindColumn("n")!.SqlType);
        var values = AllRows(ds, "t").Select(r => r[1]).ToList();
        Assert.Equal([1L, 2L, "three", 7L], values);
    }

    [Fact]
    public void Json_lines_keep_their_own_value_kinds_and_nested_objects_as_json()
    {
        string path = _temp.File("docs.jsonl");
        File.WriteAllText(path, """
            {"text": "first doc", "n": 1, "f": 1.5, "ok": true, "code": "007", "meta": {"a": 1}}
            {"text": "second doc", "n": 2, "f": 2, "ok": false, "code": "8", "meta": {"a": 2}}
            """);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [path] });
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("docs");
        Assert.Equal(SqlType.Integer, t.FindColumn("n")!.SqlType);
        Assert.Equal(SqlType.Real, t.FindColumn("f")!.SqlType);
        Assert.Equal(SqlType.Integer, t.FindColumn("ok")!.SqlType);
        Assert.Equal(SqlType.Text, t.FindColumn("code")!.SqlType); // a JSON string stays a string
        Assert.Equal(SqlType.Text, t.FindColumn("meta")!.SqlType);
        var rows = AllRows(ds, "docs");
        Assert.Equal(1L, rows[0][4]);
        Assert.Equal(0L, rows[1][4]);
        Assert.Equal("007", rows[0][5]);
        Assert.Contains("\"a\"", (string)rows[0][6]!);
    }

    [Fact]
    public void Json_column_mixing_numbers_and_text_facets_like_group_by()
    {
        string path = _temp.File("mixed.jsonl");
        File.WriteAllLines(path, ["{\"k\": 5}", "{\"k\": \"5\"}", "{\"k\": \"x\"}", "{\"k\": 7}", "{\"k\": null}"]);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [path], DedupeColumns = ["k"] });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(SqlType.Text, ds.GetTable("mixed").FindColumn("k")!.SqlType);
        // 5 and "5" are the same text in a TEXT column: one is a duplicate.
        Assert.Equal(4, ds.GetTable("mixed").RowCount);
        var facet = ds.Facet(new TableQuery { Table = "mixed" }, "k");
        var sql = ds.ExecuteSql("SELECT k, count(*) AS n FROM mixed GROUP BY k ORDER BY n DESC, k");
        Assert.Equal(sql.Rows.Select(r => (r[0], (long)r[1]!)), facet.Values.Select(v => (v.Value, v.Count)));
    }

    [Fact]
    public void Create_on_an_existing_table_refuses_and_suggests_append_or_replace()
    {
        string csv = Csv("t.csv", "a,b\n1,x\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] }));
        Assert.Contains("--append", e.Message);
        Assert.Contains("--replace", e.Message);
    }

    [Fact]
    public void Append_adds_rows_and_new_columns_and_leaves_missing_columns_null()
    {
        string first = Csv("t.csv", "a,caption\n1,red cat\n2,blue dog\n");
        string second = Csv("t2.csv", "caption,extra\ngreen cat,x\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [first] });
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [second], Table = "t", Mode = IngestMode.Append });

        Assert.Equal(["extra"], report.ColumnsAdded);
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("t");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(["a", "caption", "extra"], t.Columns.Select(c => c.Name));
        var rows = AllRows(ds, "t");
        Assert.Equal([0L, 1L, 2L], rows.Select(r => r[0]));
        Assert.Null(rows[2][1]);
        Assert.Equal("x", rows[2][3]);
        // The appended rows are searchable too.
        Assert.Equal(2, ds.CountRows(new TableQuery { Table = "t", Search = "cat" }));
    }

    [Fact]
    public void Replace_drops_the_old_rows_and_columns()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t.csv", "a,caption\n1,red cat\n2,blue dog\n")] });
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t2.csv", "z,caption\n9,sunset\n")], Table = "t", Mode = IngestMode.Replace });
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("t");
        Assert.Equal(1, t.RowCount);
        Assert.Equal(["z", "caption"], t.Columns.Select(c => c.Name));
        Assert.Equal(0, ds.CountRows(new TableQuery { Table = "t", Search = "cat" }));
        Assert.Equal(1, ds.CountRows(new TableQuery { Table = "t", Search = "sunset" }));
    }

    [Fact]
    public void Failed_ingest_with_a_ragged_row_late_in_the_file_leaves_the_dataset_unchanged()
    {
        var rows = new GeneratedRows(300);
        string good = CsvFile.Write(_temp.File("good.csv"), GeneratedRows.Header, rows.Rows);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [good] });
        byte[] before = MetaDbBytes.Read(Path.Combine(_temp.Dataset(), "meta.db"));
        List<object?[]> rowsBefore;
        using (var ds = Dataset.Open(_temp.Dataset()))
            rowsBefore = AllRows(ds, "good");

        // Append 5,000 good rows, then one with too many fields: the error comes after several batches were written.
        var more = new GeneratedRows(5000, seed: 9);
        string bad = CsvFile.Write(_temp.File("bad.csv"), GeneratedRows.Header, more.Rows);
        File.AppendAllText(bad, "1,2,3,4,5,6,7,8,9\n");
        Assert.Throws<DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(),
            new IngestRequest { Sources = [bad], Table = "good", Mode = IngestMode.Append, BatchRows = 1000 }));
        // A failing new table in the same dataset changes nothing either.
        Assert.Throws<DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [bad] }));

        Assert.Equal(before, MetaDbBytes.Read(Path.Combine(_temp.Dataset(), "meta.db")));
        Assert.Equal(["ingest.lock", "meta.db", "readers.lock"], Directory.GetFiles(_temp.Dataset()).Select(Path.GetFileName).Order());
        using var after = Dataset.Open(_temp.Dataset());
        Assert.Equal(["good"], after.ListTables().Select(t => t.Name));
        var rowsAfter = AllRows(after, "good");
        Assert.Equal(rowsBefore.Count, rowsAfter.Count);
        for (int i = 0; i < rowsBefore.Count; i++)
            Assert.Equal(rowsBefore[i], rowsAfter[i]);
    }

    [Fact]
    public void Cancelled_ingest_leaves_no_dataset_behind()
    {
        var rows = new GeneratedRows(3000);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Phase == "read" && p.RowsRead > 0) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], BatchRows = 500 }, progress, cts.Token));
        // The folder was created by this ingest, so it goes too.
        Assert.False(Directory.Exists(_temp.Dataset()));
    }

    [Fact]
    public void Cancelling_during_the_full_text_build_stops_it_and_leaves_the_dataset_unchanged()
    {
        string first = CsvFile.Write(_temp.File("first.csv"), GeneratedRows.Header, new GeneratedRows(100).Rows);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [first] });
        byte[] before = MetaDbBytes.Read(Path.Combine(_temp.Dataset(), "meta.db"));
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, new GeneratedRows(3000).Rows);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Phase == "index") cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] }, progress, cts.Token));
        Assert.Equal(before, MetaDbBytes.Read(Path.Combine(_temp.Dataset(), "meta.db")));
        Assert.DoesNotContain(Directory.GetFiles(_temp.Dataset()), f => f.Contains(".tmp-"));
    }

    [Fact]
    public void A_second_ingest_waits_for_no_one_and_is_refused_while_the_lock_is_held()
    {
        Directory.CreateDirectory(_temp.Dataset());
        using var held = new FileStream(Path.Combine(_temp.Dataset(), "ingest.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t.csv", "a\n1\n")] }));
        Assert.Contains("another ingest", e.Message);
    }

    [Fact]
    public void An_ingest_is_refused_while_another_process_holds_the_lock()
    {
        Directory.CreateDirectory(_temp.Dataset());
        string lockFile = Path.Combine(_temp.Dataset(), "ingest.lock");
        System.Diagnostics.Process holder;
        try
        {
            // flock(1) takes the same advisory lock .NET takes for FileShare.None on Unix.
            holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock", ["-x", lockFile, "sleep", "30"]) { UseShellExecute = false })!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // no flock(1) on this machine; the in-process test above covers the lock
        }
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            UserErrorException? refused = null;
            while (refused is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    using var probe = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    Thread.Sleep(50); // flock has not taken it yet
                }
                catch (IOException)
                {
                    refused = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t.csv", "a\n1\n")] }));
                }
            }
            Assert.NotNull(refused);
            Assert.Contains("another ingest", refused.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // The lock dies with the processes that held it (the killed tree may take a moment to go).
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t.csv", "a\n1\n")] });
                break;
            }
            catch (UserErrorException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(100);
            }
        }
    }

    [Fact]
    public void Dedupe_drops_repeated_tuples_within_the_ingest_and_against_existing_rows()
    {
        string first = Csv("t.csv", "url,caption\nhttp://a/1.jpg,cat\nhttp://a/2.jpg,dog\nhttp://a/1.jpg,cat\nhttp://a/1.jpg,other\n");
        var r1 = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [first], DedupeColumns = ["url", "caption"] });
        Assert.Equal(1, r1.Duplicates);
        Assert.Equal(3, r1.RowsKept);

        string second = Csv("t2.csv", "url,caption\nhttp://a/2.jpg,dog\nhttp://a/3.jpg,new\nhttp://a/3.jpg,new\n");
        var r2 = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [second], Table = "t", Mode = IngestMode.Append, DedupeColumns = ["url", "caption"] });
        Assert.Equal(2, r2.Duplicates);
        Assert.Equal(1, r2.RowsKept);
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(4, ds.GetTable("t").RowCount);
    }

    [Fact]
    public void Dedupe_treats_numbers_written_differently_as_the_same_value()
    {
        string csv = Csv("t.csv", "n,x\n1,a\n2,a\n1,a\n1.0,a\n");
        var r = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], DedupeColumns = ["n"], BatchRows = 2 });
        Assert.Equal(2, r.Duplicates);
    }

    [Fact]
    public void Where_keeps_only_rows_matching_the_sql_expression()
    {
        var rows = new GeneratedRows(400);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        var report = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Where = "score > 100 AND category = 'beta'", BatchRows = 64 });
        int expected = rows.Rows.Count(r => r[3] is long s && s > 100 && (string?)r[2] == "beta");
        Assert.True(expected > 0);
        Assert.Equal(expected, report.RowsKept);
        Assert.Equal(400 - expected, report.RowsFiltered);
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.All(AllRows(ds, "items"), r => Assert.Equal("beta", r[3]));
    }

    [Fact]
    public void Where_with_a_bad_expression_is_a_user_error_quoting_sqlite()
    {
        string csv = Csv("t.csv", "a,b\n1,x\n");
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Where = "nosuch > 1" }));
        Assert.Contains("no such column: nosuch", e.Message);
        Assert.False(File.Exists(Path.Combine(_temp.Dataset(), "meta.db")));
    }

    [Fact]
    public void Derive_domain_adds_the_lower_case_host_without_www()
    {
        var rows = new GeneratedRows(100);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], DeriveDomain = new Dictionary<string, string> { ["domain"] = "domain(url)" } });
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("items");
        Assert.Equal("domain", t.Columns[^1].Name);
        var stored = AllRows(ds, "items");
        for (int i = 0; i < 100; i++)
        {
            string expected = new Uri((string)rows.Rows[i][5]!).Host.ToLowerInvariant();
            if (expected.StartsWith("www.", StringComparison.Ordinal))
                expected = expected[4..];
            Assert.Equal(expected, stored[i][^1]);
        }
        var facet = ds.Facet(new TableQuery { Table = "items" }, "domain");
        Assert.Equal(100, facet.Values.Sum(v => v.Count));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Facet_statistics_equal_distinct_counts_over_the_whole_table(bool append)
    {
        var rows = new GeneratedRows(1200);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows.Take(append ? 700 : 1200));
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], DeriveDomain = new Dictionary<string, string> { ["domain"] = "url" }, BatchRows = 100 });
        if (append)
        {
            string more = CsvFile.Write(_temp.File("more.csv"), ["category", "score", "url"], rows.Rows.Skip(700).Select(r => new[] { r[2], r[3], r[5] }));
            DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [more], Table = "items", Mode = IngestMode.Append, DeriveDomain = new Dictionary<string, string> { ["domain"] = "url" } });
        }
        using var ds = Dataset.Open(_temp.Dataset());
        var stats = ds.ExecuteSql("SELECT \"column\", distinct_count, capped FROM _trawl_facet_stats WHERE \"table\" = 'items'").Rows
            .ToDictionary(r => (string)r[0]!, r => ((long)r[1]!, (long)r[2]!));
        foreach (string col in new[] { "category", "score", "domain", "code", "rating", "id" })
        {
            var distinct = (long)ds.ExecuteSql($"SELECT count(*) FROM (SELECT DISTINCT \"{col}\" FROM items)").Rows[0][0]!;
            Assert.Equal((Math.Min(distinct, 1000), distinct > 1000 ? 1L : 0L), stats[col]);
        }
        Assert.Equal(["category", "domain"], ds.SuggestFacets("items"));

        // Whole-table facets (cached at ingest when a column has at most 1,000 values) agree with GROUP BY.
        foreach (string col in new[] { "category", "score", "domain", "code", "rating", "id", "caption" })
        {
            var facet = ds.Facet(new TableQuery { Table = "items" }, col, limit: 50);
            var sql = ds.ExecuteSql($"SELECT \"{col}\", count(*) AS n FROM items GROUP BY \"{col}\" ORDER BY n DESC, \"{col}\" LIMIT 51");
            var expected = sql.Rows.Take(50).Select(r => (r[0], (long)r[1]!)).ToList();
            Assert.True(expected.SequenceEqual(facet.Values.Select(v => (v.Value, v.Count))), col + ": " + string.Join(",", facet.Values.Take(3).Select(v => v.Value?.GetType().Name + ":" + v.Value)) + " vs " + string.Join(",", expected.Take(3).Select(v => v.Item1?.GetType().Name + ":" + v.Item1)));
            Assert.Equal(sql.Rows.Count > 50, facet.Truncated);
        }
    }

    [Fact]
    public void Index_columns_get_an_index_and_unknown_ones_are_refused()
    {
        string csv = Csv("t.csv", "a,b\n1,x\n2,y\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], IndexColumns = ["b"] });
        using (var ds = Dataset.Open(_temp.Dataset()))
            Assert.Equal("idx_t_b", ds.ExecuteSql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 't'").Rows.Single()[0]);
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "u", IndexColumns = ["zz"] }));
        Assert.Contains("--index", e.Message);
    }

    [Fact]
    public void Primary_key_duplicate_names_the_value_and_the_line()
    {
        string csv = Csv("t.csv", "id,name\n1,a\n2,b\n3,c\n2,d\n");
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], PrimaryKey = "id" }));
        Assert.Contains("'2'", e.Message);
        Assert.True(e.Message.Contains("line 5"), e.Message);
        Assert.Contains("rowid 1", e.Message);
    }

    [Fact]
    public void Primary_key_gets_a_unique_index_and_is_recorded()
    {
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [Csv("t.csv", "id,name\n1,a\n2,b\n")], PrimaryKey = "id" });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal("id", ds.GetTable("t").PrimaryKey);
        var idx = ds.ExecuteSql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 't'");
        Assert.Single(idx.Rows);
    }

    [Fact]
    public void Search_columns_default_to_the_longest_text_and_empty_list_means_no_fts()
    {
        string csv = Csv("t.csv", "short,long,n\nab,a much longer piece of text,1\ncd,another long value here,2\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "nofts", SearchColumns = [] });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(["long"], ds.GetTable("t").SearchColumns);
        Assert.Equal("t_fts", ds.GetTable("t").FtsTable);
        Assert.Empty(ds.GetTable("nofts").SearchColumns);
        Assert.Null(ds.GetTable("nofts").FtsTable);
        Assert.Throws<UserErrorException>(() => ds.QueryRows(new TableQuery { Table = "nofts", Search = "x" }));
    }

    [Fact]
    public void Table_name_comes_from_the_file_name_sanitized()
    {
        string csv = Csv("2023 music-caps.v1.csv", "a\n1\n");
        var r = DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        Assert.Equal("t_2023_music_caps_v1", r.Table);
    }

    [Fact]
    public void Roles_are_guessed_from_names_and_values()
    {
        string csv = Csv("t.csv", "ytid,video,page,URL,TEXT\nabc,https://x.org/a.mp4,https://x.org/about,https://i.pinimg.com/x/abc,hello\n" +
            "def,https://x.org/b.webm,https://x.org/contact,https://cdn.site/img/123,world\n");
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("t");
        Assert.Equal(ColumnRole.YouTube, t.FindColumn("ytid")!.Role);
        Assert.Equal(ColumnRole.Video, t.FindColumn("video")!.Role);
        Assert.Equal(ColumnRole.Url, t.FindColumn("page")!.Role);
        Assert.Equal(ColumnRole.Image, t.FindColumn("URL")!.Role);
        Assert.Equal(ColumnRole.Caption, t.FindColumn("TEXT")!.Role);
    }

    [Fact]
    public void Progress_is_reported_with_phases()
    {
        var rows = new GeneratedRows(200);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        var phases = new List<string>();
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] }, new SyncProgress(p => phases.Add(p.Phase)));
        Assert.Contains("read", phases);
        Assert.Contains("index", phases);
        Assert.Contains("stats", phases);
    }

    [Fact]
    public void Dataset_opens_with_a_plain_sqlite_connection_in_wal_mode_with_a_datasette_style_fts_table()
    {
        var rows = new GeneratedRows(50);
        string csv = CsvFile.Write(_temp.File("items.csv"), GeneratedRows.Header, rows.Rows);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] });
        using var conn = new SqliteConnection($"Data Source={Path.Combine(_temp.Dataset(), "meta.db")}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)cmd.ExecuteScalar()!);
        // The query Datasette uses to find a table's FTS index.
        cmd.CommandText = """
            SELECT name FROM sqlite_master WHERE rootpage = 0
            AND (sql LIKE '%VIRTUAL TABLE%USING FTS%content="items"%' OR sql LIKE '%VIRTUAL TABLE%USING FTS%content=[items]%')
            """;
        Assert.Equal("items_fts", (string)cmd.ExecuteScalar()!);
        cmd.CommandText = "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'cat'";
        long viaFts = (long)cmd.ExecuteScalar()!;
        Assert.Equal(rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "cat")), viaFts);
        cmd.CommandText = "SELECT value FROM _trawl_meta WHERE key = 'format_version'";
        Assert.Equal("1", (string)cmd.ExecuteScalar()!);
        cmd.CommandText = "SELECT rows FROM _trawl_sources";
        Assert.Equal(50L, (long)cmd.ExecuteScalar()!);
    }

    private sealed class SyncProgress(Action<IngestProgress> action) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => action(value);
    }
}
