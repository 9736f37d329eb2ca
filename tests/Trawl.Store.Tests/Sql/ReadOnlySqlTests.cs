using Trawl.Store.Sql;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Sql;

public sealed class ReadOnlySqlTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    [Fact]
    public void Select_returns_columns_and_typed_values()
    {
        var r = data.Dataset.ExecuteSql("SELECT id, caption, rating, NULL AS n, x'0102' AS b FROM items WHERE id = 3");
        Assert.Equal(["id", "caption", "rating", "n", "b"], r.Columns);
        var row = Assert.Single(r.Rows);
        Assert.Equal(3L, row[0]);
        Assert.Equal(data.Rows.Rows[3][1], row[1]);
        Assert.IsType<double>(row[2]);
        Assert.Null(row[3]);
        Assert.Equal(new byte[] { 1, 2 }, row[4]);
        Assert.False(r.Truncated);
    }

    [Theory]
    [InlineData("INSERT INTO items (id) VALUES (1)")]
    [InlineData("UPDATE items SET id = 1")]
    [InlineData("DELETE FROM items")]
    [InlineData("DROP TABLE items")]
    [InlineData("CREATE TABLE x (a)")]
    [InlineData("ATTACH DATABASE '/tmp/x.db' AS x")]
    [InlineData("DETACH DATABASE main")]
    [InlineData("PRAGMA journal_mode=DELETE")]
    [InlineData("PRAGMA user_version = 5")]
    [InlineData("PRAGMA writable_schema")]
    [InlineData("VACUUM")]
    [InlineData("SELECT 1; DELETE FROM items")]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM items")]
    [InlineData("/* comment */ DELETE FROM items")]
    [InlineData("")]
    public void Writes_attach_and_state_changing_pragmas_are_refused(string sql)
    {
        Assert.Throws<UserErrorException>(() => data.Dataset.ExecuteSql(sql));
        Assert.Equal(2000L, data.Dataset.ExecuteSql("SELECT count(*) FROM items").Rows[0][0]);
    }

    [Fact]
    public void Read_only_pragmas_and_pragma_functions_are_allowed()
    {
        var info = data.Dataset.ExecuteSql("PRAGMA table_info(items)");
        Assert.Equal(8, info.Rows.Count);
        var fn = data.Dataset.ExecuteSql("SELECT name FROM pragma_table_info('items') ORDER BY cid");
        Assert.Equal("rowid", fn.Rows[0][0]);
    }

    [Fact]
    public void A_query_that_runs_forever_times_out()
    {
        var e = Assert.Throws<SqlTimeoutException>(() => data.Dataset.ExecuteSql(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            new SqlOptions { TimeLimit = TimeSpan.FromMilliseconds(200) }));
        Assert.Equal(TimeSpan.FromMilliseconds(200), e.Limit);
        // The connection is usable afterwards.
        Assert.Equal(1L, data.Dataset.ExecuteSql("SELECT 1").Rows[0][0]);
    }

    [Fact]
    public void Results_are_truncated_at_max_rows()
    {
        var r = data.Dataset.ExecuteSql("SELECT id FROM items ORDER BY id", new SqlOptions { MaxRows = 25 });
        Assert.Equal(25, r.Rows.Count);
        Assert.True(r.Truncated);
        var exact = data.Dataset.ExecuteSql("SELECT id FROM items LIMIT 25", new SqlOptions { MaxRows = 25 });
        Assert.False(exact.Truncated);
    }

    [Fact]
    public void Named_parameters_are_bound_and_missing_ones_are_an_error()
    {
        var r = data.Dataset.ExecuteSql("SELECT count(*) FROM items WHERE category = :c AND score > :s",
            new SqlOptions { Parameters = new Dictionary<string, object?> { ["c"] = "beta", [":s"] = 10L } });
        long expected = data.Rows.Rows.Count(x => (string?)x[2] == "beta" && x[3] is long s && s > 10);
        Assert.Equal(expected, r.Rows[0][0]);
        Assert.Throws<UserErrorException>(() => data.Dataset.ExecuteSql("SELECT :missing"));
    }

    [Fact]
    public void Sql_errors_are_user_errors()
    {
        var e = Assert.Throws<UserErrorException>(() => data.Dataset.ExecuteSql("SELECT nosuch FROM items"));
        Assert.Contains("no such column", e.Message);
    }

    [Fact]
    public void Fts_is_usable_from_sql()
    {
        var r = data.Dataset.ExecuteSql("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'guitar'");
        Assert.Equal((long)data.Rows.Rows.Count(x => GeneratedRows.HasWord((string)x[1]!, "guitar")), r.Rows[0][0]);
    }
}
