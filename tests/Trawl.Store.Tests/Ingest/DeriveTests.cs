using Trawl.Formats.Derived;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

/// <summary><c>--derive NAME=EXPR</c> (SQL with Trawl's functions) and <c>--convert</c> at ingest.</summary>
public sealed class DeriveTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private string MusicCapsCsv() => CsvFile.Write(_temp.File("musiccaps.csv"), ["ytid", "url", "aspect_list", "duration", "width", "height"],
    [
        ["a1", "https://www.youtube.com/watch?v=a1", "['amateur recording', 'e-guitar']", "PT00H00M11S", 640, 480],
        ["a2", "https://i.pinimg.com/x/y.jpg", "[\"men's voice\", 'rock']", "PT00H01M00S", 10, 3],
        ["a3", "mailto:nobody@example.com", "no list", "bad", 1, 1],
    ]);

    [Theory]
    [InlineData("domain=url", DerivedColumnKind.Domain, "url")]
    [InlineData("host=domain(url)", DerivedColumnKind.Domain, "url")]
    [InlineData(" domain = link ", DerivedColumnKind.Domain, "link")]
    [InlineData("area=width * height", DerivedColumnKind.Expression, "")]
    [InlineData("host=upper(domain(url))", DerivedColumnKind.Expression, "")]
    [InlineData("tags=json_list(aspect_list)", DerivedColumnKind.Expression, "")]
    public void Derive_specs_are_parsed_in_the_store(string spec, DerivedColumnKind kind, string source)
    {
        var (rows, computed) = DeriveSpecs.Parse([spec]);
        Assert.Empty(computed);
        var d = Assert.Single(rows);
        Assert.Equal(kind, d.Kind);
        Assert.Equal(source, d.SourceColumn);
    }

    [Fact]
    public void Computed_derive_specs_go_to_the_reader()
    {
        var (rows, computed) = DeriveSpecs.Parse(["n=token_count(text, 'gpt2')", "w=word_count(text)", "f=folder()"]);
        Assert.Empty(rows);
        Assert.Equal([DerivedKind.TokenCount, DerivedKind.WordCount, DerivedKind.SourceFolder], computed.Select(c => c.Kind));
    }

    [Theory]
    [InlineData("domain")]
    [InlineData("=URL")]
    [InlineData("domain=")]
    [InlineData("x=token_count()")]
    [InlineData("x=folder(a)")]
    [InlineData("rowid=1")]
    [InlineData("_trawl_x=1")]
    public void Bad_derive_specs_are_user_errors(string spec)
    {
        Assert.Throws<UserErrorException>(() => DeriveSpecs.Parse([spec]));
    }

    [Fact]
    public void Deriving_the_same_column_twice_is_a_user_error()
    {
        Assert.Throws<UserErrorException>(() => DeriveSpecs.Parse(["domain=a", "domain=b"]));
    }

    [Fact]
    public void Sql_expressions_and_trawls_functions_become_typed_columns()
    {
        string csv = MusicCapsCsv();
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest
        {
            Sources = [csv],
            Table = "m",
            Derive = ["area=width * height", "tags=json_list(aspect_list)", "seconds=duration_seconds(duration)", "host=domain(url)", "loud=upper(ytid)"],
            BatchRows = 2,
        });
        using var ds = Dataset.Open(_temp.Dataset());
        var t = ds.GetTable("m");
        Assert.Equal(SqlType.Integer, t.FindColumn("area")!.SqlType);
        Assert.Equal(SqlType.Integer, t.FindColumn("seconds")!.SqlType);
        Assert.Equal(SqlType.Text, t.FindColumn("tags")!.SqlType);
        var rows = ds.ExecuteSql("SELECT area, tags, seconds, host, loud FROM m ORDER BY rowid").Rows;
        Assert.Equal(new object?[] { 307200L, "[\"amateur recording\",\"e-guitar\"]", 11L, "youtube.com", "A1" }, rows[0]);
        Assert.Equal(new object?[] { 30L, "[\"men's voice\",\"rock\"]", 60L, "i.pinimg.com", "A2" }, rows[1]);
        Assert.Equal(new object?[] { 1L, null, null, null, "A3" }, rows[2]);
        // The apostrophe that broke json_each on the raw text is fine on the converted value.
        var each = ds.ExecuteSql("SELECT j.value, count(*) FROM m, json_each(m.tags) j GROUP BY j.value ORDER BY j.value").Rows;
        Assert.Equal(4, each.Count);
        Assert.Equal("men's voice", each[2][0]);
    }

    [Fact]
    public void Convert_replaces_python_list_text_with_json_arrays_in_place()
    {
        string csv = MusicCapsCsv();
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "m", Convert = ["aspect_list=python-list-to-json"] });
        using var ds = Dataset.Open(_temp.Dataset());
        Assert.Equal(["ytid", "url", "aspect_list", "duration", "width", "height"], ds.GetTable("m").Columns.Select(c => c.Name));
        var rows = ds.ExecuteSql("SELECT aspect_list FROM m ORDER BY rowid").Rows;
        Assert.Equal("[\"amateur recording\",\"e-guitar\"]", rows[0][0]);
        Assert.Equal("[\"men's voice\",\"rock\"]", rows[1][0]);
        Assert.Null(rows[2][0]);
    }

    [Fact]
    public void Derived_expressions_only_see_rows_the_where_kept_and_appends_recompute_them()
    {
        string csv = MusicCapsCsv();
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "m", Where = "width > 5", Derive = ["area=width * height"] });
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "m", Mode = IngestMode.Append, Derive = ["area=width * height"] });
        using var ds = Dataset.Open(_temp.Dataset());
        var rows = ds.ExecuteSql("SELECT ytid, area FROM m ORDER BY rowid").Rows;
        Assert.Equal([307200L, 30L, 307200L, 30L, 1L], rows.Select(r => r[1]));
    }

    [Theory]
    [InlineData("x=nosuchfn(url)", "no such function: nosuchfn")]
    [InlineData("x=missing_col + 1", "no such column: missing_col")]
    [InlineData("x=1 +", "syntax error")]
    public void A_bad_expression_names_the_option_and_leaves_no_dataset(string spec, string message)
    {
        string csv = MusicCapsCsv();
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Derive = [spec] }));
        Assert.Contains(message, e.Message);
        Assert.Contains("--derive x=", e.Message);
        Assert.Contains("columns: ytid", e.Message);
        Assert.False(Directory.Exists(_temp.Dataset()));
    }

    [Fact]
    public void Convert_of_a_missing_column_is_a_user_error()
    {
        string csv = MusicCapsCsv();
        var e = Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Convert = ["nope=python-list-to-json"] }));
        Assert.Contains("--convert nope", e.Message);
        Assert.Throws<UserErrorException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Convert = ["aspect_list=shout"] }));
    }

    [Fact]
    public void Trawls_functions_work_in_read_only_sql()
    {
        string csv = MusicCapsCsv();
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv], Table = "m" });
        using var ds = Dataset.Open(_temp.Dataset());
        var rows = ds.ExecuteSql("SELECT domain(url), json_list(aspect_list), path_part(url, 1), duration_seconds(duration) FROM m ORDER BY rowid LIMIT 1").Rows;
        Assert.Equal(new object?[] { "youtube.com", "[\"amateur recording\",\"e-guitar\"]", "watch", 11L }, rows[0]);
    }
}
