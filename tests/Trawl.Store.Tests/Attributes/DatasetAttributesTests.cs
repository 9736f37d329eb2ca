using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Trawl.Formats.Tables;
using Trawl.Store.Attributes;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Attributes;

public sealed class DatasetAttributesTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Texts =
    [
        "Contact me at alice@example.com today.",
        "A perfectly ordinary sentence.",
        "Call 555-0100 or mail bob@example.org now.",
        "Naïve café text with accents: é and ü.",
    ];

    /// <summary>Documents d0..d3 in a table "docs".</summary>
    private string Documents()
    {
        var lines = new StringBuilder();
        for (int i = 0; i < Texts.Length; i++)
            lines.Append(JsonSerializer.Serialize(new { id = "d" + i, text = Texts[i], source = i % 2 == 0 ? "web" : "books" })).Append('\n');
        string path = _temp.File("docs.jsonl");
        File.WriteAllText(path, lines.ToString());
        string dataset = _temp.Dataset();
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [path], Table = "docs" });
        return dataset;
    }

    private string AttributeFile(string name, params object[] records)
    {
        string path = _temp.File(name);
        string text = string.Concat(records.Select(r => JsonSerializer.Serialize(r) + "\n"));
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(Encoding.UTF8.GetBytes(text));
        }
        else
        {
            File.WriteAllText(path, text);
        }
        return path;
    }

    private static List<object?[]> Query(string dataset, string sql)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++)
                row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static int Email(int doc) => Texts[doc].IndexOf('@') - (doc == 0 ? 5 : 3);

    [Fact]
    public void Scalar_attributes_become_columns_and_span_lists_a_count_plus_spans()
    {
        string dataset = Documents();
        int start0 = Texts[0].IndexOf("alice", StringComparison.Ordinal), end0 = start0 + "alice@example.com".Length;
        int start2 = Texts[2].IndexOf("bob", StringComparison.Ordinal), end2 = start2 + "bob@example.org".Length;
        int phone = Texts[2].IndexOf("555", StringComparison.Ordinal);
        string toxicity = AttributeFile("toxicity.json.gz",
            new { id = "d0", attributes = new { toxicity = 0.1, label = "ok" } },
            new { id = "d1", attributes = new { toxicity = 0.7, label = "toxic" } },
            new { id = "d2", attributes = new { toxicity = 0.2, label = "ok" } },
            new { id = "nope", attributes = new { toxicity = 0.9, label = "toxic" } });
        string pii = AttributeFile("pii.json.gz",
            new { id = "d0", attributes = new { pii = new { email = new[] { new double[] { start0, end0, 1.0 } } } } },
            new { id = "d2", attributes = new { pii = new { email = new[] { new double[] { phone, phone + 8, 0.5 }, new double[] { start2, end2, 1.0 } } } } });

        var report = DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [toxicity, pii], Table = "docs", Key = "id" });
        Assert.Equal(6, report.Records);
        Assert.Equal(5, report.Matched);
        Assert.Equal(1, report.Unmatched);
        Assert.Contains(report.Problems, p => p.Contains("toxicity.json.gz") && p.Contains("line 4") && p.Contains("'nope' matches no document"));
        Assert.Equal(["toxicity", "label", "pii_email_count"], report.ColumnsAdded);
        Assert.Equal(3, report.SpansWritten);

        var rows = Query(dataset, "select id, toxicity, label, pii_email_count from docs order by rowid");
        Assert.Equal(new object?[] { "d0", 0.1, "ok", 1L }, rows[0]);
        Assert.Equal(new object?[] { "d1", 0.7, "toxic", null }, rows[1]);
        Assert.Equal(new object?[] { "d2", 0.2, "ok", 2L }, rows[2]);
        Assert.Equal(new object?[] { "d3", null, null, null }, rows[3]);

        using var opened = Dataset.Open(dataset);
        var table = opened.GetTable("docs");
        Assert.Equal(ColumnRole.Attribute, table.FindColumn("toxicity")!.Role);
        Assert.Equal(ColumnRole.SpanCount, table.FindColumn("pii_email_count")!.Role);
        var facet = opened.Facet(new TableQuery { Table = "docs" }, "label");
        Assert.Equal(("ok", 2L), ((string?)facet.Values[0].Value, facet.Values[0].Count));
        Assert.Equal(1L, Assert.Single(facet.Values, v => (string?)v.Value == "toxic").Count);
        Assert.Equal(1L, Assert.Single(facet.Values, v => v.Value is null).Count);
        var filtered = opened.Facet(new TableQuery { Table = "docs", Where = "toxicity > 0.5" }, "source");
        Assert.Equal("books", Assert.Single(filtered.Values).Value);

        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        var spans = AttributeSpans.Read(conn, "docs", 2);
        Assert.Equal([(phone, phone + 8), (start2, end2)], spans.Select(s => ((int)s.Start, (int)s.End)));
        Assert.All(spans, s => Assert.Equal("pii_email", s.Attribute));
        Assert.Equal("bob@example.org", Texts[2][(int)spans[1].Start..(int)spans[1].End]);
    }

    [Fact]
    public void Spans_outside_the_text_backwards_or_overlapping_are_skipped_counted_and_named()
    {
        string dataset = Documents();
        string path = AttributeFile("bad-spans.jsonl",
            new { id = "d0", attributes = new { dup = new[] { new[] { 0, 5 }, new[] { 3, 9 } } } },
            new { id = "d1", attributes = new { dup = new[] { new[] { 0, Texts[1].Length + 1 } } } },
            new { id = "d2", attributes = new { dup = new[] { new[] { 6, 2 } } } },
            new { id = "d3", attributes = new { dup = new[] { new[] { 0, Texts[3].Length } } } });
        var report = DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [path], Table = "docs" });
        Assert.Equal(3, report.InvalidSpans);
        Assert.Equal(1, report.SpansWritten);
        Assert.Contains(report.Problems, p => p.Contains("bad-spans.jsonl (line 1)") && p.Contains("overlaps"));
        Assert.Contains(report.Problems, p => p.Contains("line 2") && p.Contains("ends past the text"));
        Assert.Contains(report.Problems, p => p.Contains("line 3") && p.Contains("backwards"));
        // Character offsets, not bytes: the accented text's full length is accepted.
        Assert.Equal([null, null, null, 1L], Query(dataset, "select dup_count from docs order by rowid").Select(r => r[0]));
    }

    [Fact]
    public void Duplicate_ids_for_the_same_attribute_are_skipped_and_reported()
    {
        string dataset = Documents();
        string path = AttributeFile("dups.jsonl",
            new { id = "d1", attributes = new { score = 1.5 } },
            new { id = "d1", attributes = new { score = 9.5 } });
        var report = DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [path], Table = "docs" });
        Assert.Equal(1, report.Duplicates);
        Assert.Contains(report.Problems, p => p.Contains("dups.jsonl (line 2)") && p.Contains("'d1' already has attribute 'score'"));
        Assert.Equal(1.5, Query(dataset, "select score from docs where id = 'd1'")[0][0]);
    }

    [Fact]
    public void Attributes_can_arrive_later_and_a_rerun_replaces_values_and_spans()
    {
        string dataset = Documents();
        DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [AttributeFile("a.jsonl", new { id = "d0", attributes = new { q = 1, s = new[] { new[] { 0, 3 } } } })], Table = "docs" });
        // A second run with a new attribute and a changed one: the table keeps its rows, the spans are not doubled.
        var report = DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [AttributeFile("b.jsonl", new { id = "d0", attributes = new { q = 2, s = new[] { new[] { 4, 6 } }, lang = "en" } })], Table = "docs" });
        Assert.Equal(["lang"], report.ColumnsAdded);
        Assert.Equal(new object?[] { 2L, 1L, "en" }, Query(dataset, "select q, s_count, lang from docs where id = 'd0'")[0]);
        Assert.Equal(new object?[] { 4L, 6L }, Assert.Single(Query(dataset, "select start, \"end\" from _trawl_spans where row = 0")));
        Assert.Equal(4L, Query(dataset, "select count(*) from docs")[0][0]);
    }

    [Fact]
    public void A_corrupt_attribute_file_leaves_the_dataset_as_it_was()
    {
        string dataset = Documents();
        string good = AttributeFile("good.jsonl", new { id = "d0", attributes = new { q = 1 } });
        string bad = _temp.File("bad.jsonl");
        File.WriteAllText(bad, "{\"id\":\"d1\",\"attributes\":{\"q\":2}}\n{\"id\":\"d2\",\"attributes\":{\"q\":\n");
        var e = Assert.Throws<DataFormatException>(() => DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [good, bad], Table = "docs" }));
        Assert.Contains("bad.jsonl", e.Message);
        Assert.DoesNotContain(Query(dataset, "select name from pragma_table_info('docs')"), r => (string)r[0]! == "q");
        using var opened = Dataset.Open(dataset);
        Assert.Null(opened.GetTable("docs").FindColumn("q"));
    }

    [Fact]
    public void An_attribute_named_like_a_document_column_or_a_missing_table_or_key_is_a_user_error()
    {
        string dataset = Documents();
        string clash = AttributeFile("clash.jsonl", new { id = "d0", attributes = new { source = "x" } });
        Assert.Contains("would overwrite column 'source'", Assert.Throws<UserErrorException>(() => DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [clash], Table = "docs" })).Message);
        Assert.Equal("web", Query(dataset, "select source from docs where id = 'd0'")[0][0]);
        Assert.Contains("no table 'pages'", Assert.Throws<UserErrorException>(() => DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [clash], Table = "pages" })).Message);
        Assert.Contains("no column 'doc_id'", Assert.Throws<UserErrorException>(() => DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [clash], Table = "docs", Key = "doc_id" })).Message);
        string noAttributes = AttributeFile("plain.jsonl", new { id = "d0", score = 1 });
        Assert.Contains("no 'attributes'", Assert.Throws<DataFormatException>(() => DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [noAttributes], Table = "docs" })).Message);
    }

    [Fact]
    public void RedPajama_v2_quality_signals_join_like_attributes()
    {
        string dataset = Documents();
        string path = AttributeFile("signals.json.gz",
            new { id = "d3", quality_signals = new { ccnet_perplexity = new[] { new double[] { 0, Texts[3].Length, 345.5 } }, rps_doc_word_count = new[] { new double[] { 0, Texts[3].Length, 8 } } } });
        var report = DatasetAttributes.Run(dataset, new AttributeRequest { Sources = [path], Table = "docs" });
        Assert.Equal(["ccnet_perplexity_count", "rps_doc_word_count_count"], report.ColumnsAdded);
        Assert.Equal(2, report.SpansWritten);
        Assert.Equal(345.5, Query(dataset, "select score from _trawl_spans where attribute = 'ccnet_perplexity'")[0][0]);
    }
}
