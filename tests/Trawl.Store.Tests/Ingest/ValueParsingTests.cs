using System.Text;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Storage;

namespace Trawl.Store.Tests.Ingest;

public sealed class ValueParsingTests
{
    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("123", true, 123L)]
    [InlineData("-5", true, -5L)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0L)]
    [InlineData("007", false, 0L)]
    [InlineData("-0", true, 0L)]
    [InlineData("1e5", false, 0L)]
    [InlineData("+5", false, 0L)]
    [InlineData("", false, 0L)]
    [InlineData("-", false, 0L)]
    [InlineData(" 5", false, 0L)]
    [InlineData("5.0", false, 0L)]
    public void Integers_are_recognised_strictly(string text, bool ok, long value)
    {
        Assert.Equal(ok, NumberText.TryParseInteger(Encoding.UTF8.GetBytes(text), out long v));
        if (ok)
            Assert.Equal(value, v);
    }

    [Theory]
    [InlineData("1.5", true, 1.5)]
    [InlineData("-0.25", true, -0.25)]
    [InlineData("3e-7", true, 3e-7)]
    [InlineData("1E5", true, 1e5)]
    [InlineData(".5", true, 0.5)]
    [InlineData("0.5", true, 0.5)]
    [InlineData("007.5", false, 0)]
    [InlineData("1.2.3", false, 0)]
    [InlineData("NaN", false, 0)]
    [InlineData("Infinity", false, 0)]
    [InlineData("1e400", false, 0)]
    [InlineData("1e", false, 0)]
    [InlineData("abc", false, 0)]
    [InlineData(".", false, 0)]
    public void Reals_are_recognised_strictly(string text, bool ok, double value)
    {
        Assert.Equal(ok, NumberText.TryParseReal(Encoding.UTF8.GetBytes(text), out double v));
        if (ok)
            Assert.Equal(value, v);
    }

    [Theory]
    [InlineData("https://www.Example.COM/a/b?c=d", "example.com")]
    [InlineData("http://user:pw@cdn.pics.net:8080/x.jpg", "cdn.pics.net")]
    [InlineData("//i.pinimg.com/236x/a.jpg", "i.pinimg.com")]
    [InlineData("https://WWW.site.org.", "site.org")]
    [InlineData("https://[2001:db8::1]:443/x", "[2001:db8::1]")]
    [InlineData("example.com/path", "example.com")]
    [InlineData("https://www.", "www")]
    [InlineData("example.com:8080/x", "example.com")]
    [InlineData("mailto:x@y.z", "")]
    [InlineData("", "")]
    [InlineData("https://host#frag", "host")]
    public void Url_host_is_lower_case_without_www(string url, string host)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(url);
        var dest = new byte[bytes.Length + 1];
        int n = UrlHost.Extract(bytes, dest);
        Assert.Equal(host, Encoding.UTF8.GetString(dest, 0, n));
    }

    [Theory]
    [InlineData("Dwayne 'The Rock' Johnson", "\"Dwayne\" \"'The\" \"Rock'\" \"Johnson\"")]
    [InlineData("\"a phrase\" word", "\"a phrase\" \"word\"")]
    [InlineData("say \"hi", "\"say\" \"\"\"hi\"")]
    [InlineData("cat AND dog", "\"cat\" \"AND\" \"dog\"")]
    [InlineData("* - \"", null)]
    [InlineData("   ", null)]
    [InlineData("a*", "\"a*\"")]
    public void Plain_search_text_becomes_quoted_terms(string text, string? fts)
    {
        Assert.Equal(fts, FtsQuery.EscapePlain(text));
    }

    [Fact]
    public void Text_columns_infer_integer_real_or_text_from_the_first_batch()
    {
        Assert.Equal(SqlType.Integer, Infer(ColumnType.Text, "1", "-2", null, ""));
        Assert.Equal(SqlType.Real, Infer(ColumnType.Text, "1", "2.5"));
        Assert.Equal(SqlType.Text, Infer(ColumnType.Text, "1", "007"));
        Assert.Equal(SqlType.Text, Infer(ColumnType.Text, null, null));
        Assert.Equal(SqlType.Text, Infer(ColumnType.Any, "1", "2"));
        Assert.Equal(SqlType.Integer, Infer(ColumnType.Boolean));
        Assert.Equal(SqlType.Blob, Infer(ColumnType.Binary));
        Assert.Equal(SqlType.Text, Infer(ColumnType.Json));
    }

    private static SqlType Infer(ColumnType declared, params string?[] values)
    {
        var col = new ColumnValues();
        foreach (var v in values)
        {
            if (v is null)
                col.AppendNull();
            else
                col.AppendText(v);
        }
        return TypeInference.Infer(declared, col, values.Length);
    }

    [Fact]
    public void Hash_distinguishes_split_points_and_kinds()
    {
        static UInt128 H(Action<Hash128Wrapper> add)
        {
            var w = new Hash128Wrapper();
            add(w);
            return w.Finish();
        }
        var ab_c = H(w => { w.Bytes("ab"); w.Bytes("c"); });
        var a_bc = H(w => { w.Bytes("a"); w.Bytes("bc"); });
        Assert.NotEqual(ab_c, a_bc);
        Assert.Equal(ab_c, H(w => { w.Bytes("ab"); w.Bytes("c"); }));
        var hashes = Enumerable.Range(0, 100_000).Select(i => H(w => w.Bytes(i.ToString()))).ToHashSet();
        Assert.Equal(100_000, hashes.Count);
    }

    private sealed class Hash128Wrapper
    {
        private Hash128 _h = Hash128.Create();
        public void Bytes(string s) => _h.AddBytes(Encoding.UTF8.GetBytes(s));
        public UInt128 Finish() => _h.Finish();
    }
}
