using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

public sealed class FilterTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    private IReadOnlyList<object?[]> Source => data.Rows.Rows;

    private List<long> Ids(params ColumnFilter[] filters) =>
        data.Dataset.StreamRows(new TableQuery { Table = "items", Filters = filters }, out _).Select(r => (long)r[1]!).ToList();

    private List<long> Expected(Func<object?[], bool> predicate) =>
        Source.Where(predicate).Select(r => (long)r[0]!).ToList();

    [Fact]
    public void Exact_and_not_match_text_values()
    {
        Assert.Equal(Expected(r => (string?)r[2] == "beta"), Ids(new ColumnFilter("category", FilterOp.Exact, "beta")));
        // Like Datasette, "not" leaves out NULLs as SQL's != does.
        Assert.Equal(Expected(r => r[2] is string c && c != "beta"), Ids(new ColumnFilter("category", FilterOp.Not, "beta")));
    }

    [Fact]
    public void Numeric_comparisons_compare_as_numbers_on_numeric_columns()
    {
        Assert.Equal(Expected(r => r[3] is long s && s > 99), Ids(new ColumnFilter("score", FilterOp.Gt, "99")));
        Assert.Equal(Expected(r => r[3] is long s && s >= 99), Ids(new ColumnFilter("score", FilterOp.Gte, "99")));
        Assert.Equal(Expected(r => r[3] is long s && s < -10), Ids(new ColumnFilter("score", FilterOp.Lt, "-10")));
        Assert.Equal(Expected(r => r[3] is long s && s <= 5), Ids(new ColumnFilter("score", FilterOp.Lte, "5")));
        Assert.Equal(Expected(r => (double)r[4]! > 2.5), Ids(new ColumnFilter("rating", FilterOp.Gt, "2.5")));
        Assert.Equal(Expected(r => r[3] is long s && s == 42), Ids(new ColumnFilter("score", FilterOp.Exact, "42")));
    }

    [Fact]
    public void Text_columns_compare_as_text_even_when_the_value_looks_numeric()
    {
        // code is TEXT ("00042"): exact on "00042" matches, "42" does not.
        Assert.Equal([42L], Ids(new ColumnFilter("code", FilterOp.Exact, "00042")));
        Assert.Empty(Ids(new ColumnFilter("code", FilterOp.Exact, "42")));
    }

    [Fact]
    public void Contains_and_startswith_treat_percent_and_underscore_literally()
    {
        Assert.Equal(Expected(r => ((string)r[1]!).Contains("sunset", StringComparison.OrdinalIgnoreCase)),
            Ids(new ColumnFilter("caption", FilterOp.Contains, "sunset")));
        Assert.Equal(Expected(r => ((string)r[5]!).StartsWith("https://www.Example3", StringComparison.OrdinalIgnoreCase)),
            Ids(new ColumnFilter("url", FilterOp.StartsWith, "https://www.Example3")));
        Assert.Empty(Ids(new ColumnFilter("caption", FilterOp.Contains, "%")));
        Assert.Empty(Ids(new ColumnFilter("caption", FilterOp.Contains, "_")));
    }

    [Fact]
    public void In_accepts_a_comma_list_or_a_json_array()
    {
        var expected = Expected(r => (string?)r[2] is "alpha" or "gamma");
        Assert.Equal(expected, Ids(new ColumnFilter("category", FilterOp.In, "alpha,gamma")));
        Assert.Equal(expected, Ids(new ColumnFilter("category", FilterOp.In, "[\"alpha\", \"gamma\"]")));
        Assert.Equal(Expected(r => r[3] is long s && (s == 1 || s == 2 || s == 150)), Ids(new ColumnFilter("score", FilterOp.In, "[1, 2, 150]")));
    }

    [Fact]
    public void Isnull_selects_missing_or_present_values()
    {
        Assert.Equal(Expected(r => r[3] is null), Ids(new ColumnFilter("score", FilterOp.IsNull, "1")));
        Assert.Equal(Expected(r => r[3] is not null), Ids(new ColumnFilter("score", FilterOp.IsNull, "false")));
        Assert.Throws<UserErrorException>(() => Ids(new ColumnFilter("score", FilterOp.IsNull, "maybe")));
    }

    [Fact]
    public void Filters_combine_with_and_and_count_matches()
    {
        var filters = new[] { new ColumnFilter("category", FilterOp.Exact, "delta"), new ColumnFilter("score", FilterOp.Gt, "50") };
        var expected = Expected(r => (string?)r[2] == "delta" && r[3] is long s && s > 50);
        Assert.Equal(expected, Ids(filters));
        Assert.Equal(expected.Count, data.Dataset.CountRows(new TableQuery { Table = "items", Filters = filters }));
    }

    [Fact]
    public void Unknown_columns_are_user_errors_naming_the_columns()
    {
        var e = Assert.Throws<UserErrorException>(() => Ids(new ColumnFilter("nope\"; DROP TABLE items; --", FilterOp.Exact, "1")));
        Assert.Contains("caption", e.Message);
        Assert.Throws<UserErrorException>(() => data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "nope" }));
        Assert.Throws<UserErrorException>(() => data.Dataset.GetTable("nope"));
    }

    [Fact]
    public void Where_expression_is_applied_to_queries()
    {
        var rows = data.Dataset.StreamRows(new TableQuery { Table = "items", Where = "score BETWEEN 10 AND 12" }, out _).Select(r => (long)r[1]!).ToList();
        Assert.Equal(Expected(r => r[3] is long s && s >= 10 && s <= 12), rows);
    }

    [Fact]
    public void Get_row_returns_the_row_by_rowid_or_null()
    {
        var row = data.Dataset.GetRow("items", 17);
        Assert.NotNull(row);
        Assert.Equal("rowid", row.Value.Columns[0]);
        Assert.Equal(17L, row.Value.Values[0]);
        Assert.Equal(Source[17][1], row.Value.Values[2]);
        Assert.Null(data.Dataset.GetRow("items", 999_999));
    }
}
