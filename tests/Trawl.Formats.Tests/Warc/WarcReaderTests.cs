using System.Text;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;

namespace Trawl.Formats.Tests.Warc;

public sealed class WarcReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Page = "<!DOCTYPE html><html><head><title>A &amp; B  page</title><style>p{color:red}</style></head>" +
        "<body><h1>Heading</h1><p>First para&nbsp;with <b>bold</b> text.</p><script>var x = '<p>no</p>';</script><p>Second</p></body></html>";

    private static WarcFileWriter Crawl()
    {
        byte[] html = Encoding.UTF8.GetBytes(Page);
        return new WarcFileWriter()
            .Record("warcinfo", "software: test\r\nformat: WARC File Format 1.0\r\n", "application/warc-fields")
            .Record("request", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", "application/http; msgtype=request", "http://example.com/")
            .Record("response", WarcFileWriter.Http(200, "text/html; charset=utf-8", html), "application/http; msgtype=response", "http://example.com/")
            .Record("response", WarcFileWriter.Http(200, "text/html", WarcFileWriter.Chunked(html, 7), "Transfer-Encoding: chunked"), "application/http; msgtype=response", "http://chunked.example.org/a")
            .Record("response", WarcFileWriter.Http(404, "text/html", WarcFileWriter.Gzip(html), "Content-Encoding: gzip"), "application/http; msgtype=response", "https://gz.example.net/x")
            .Record("response", WarcFileWriter.Http(200, "text/html", WarcFileWriter.Chunked(WarcFileWriter.Gzip(html), 5), "Transfer-Encoding: chunked", "Content-Encoding: gzip"), "application/http; msgtype=response", "https://both.example.net/")
            .Record("response", WarcFileWriter.Http(200, "image/png", [0x89, 0x50, 0x4E, 0x47, 0, 1, 2]), "application/http; msgtype=response", "http://example.com/i.png")
            .Record("metadata", "fetchTimeMs: 12\r\n", "application/warc-fields", "http://example.com/")
            .Record("conversion", "A & B page\nHeading\nFirst para with bold text.", "text/plain", "http://example.com/")
            .Record("metadata", "{\"Envelope\":{\"Format\":\"WARC\"}}", "application/json", "http://example.com/")
            .Record("revisit", WarcFileWriter.Http(304, "text/html", []), "application/http; msgtype=response", "http://example.com/");
    }

    [Fact]
    public void Every_record_type_becomes_a_row_with_its_fields()
    {
        string path = _files.Write("crawl.warc.gz", Crawl().GzipPerRecord());
        var t = Rows.ReadAll(path, maxRows: 3);
        Assert.Equal(["warc_type", "record_id", "date", "target_uri", "content_type", "content_length", "http_status", "http_content_type", "title", "text"], t.Columns);
        Assert.Equal(["warcinfo", "request", "response", "response", "response", "response", "response", "metadata", "conversion", "metadata", "revisit"], t.Rows.Select(r => (string)r[0]!));
        var response = t.Rows[2];
        Assert.Equal("http://example.com/", response[3]);
        Assert.Equal(200L, response[6]);
        Assert.Equal("text/html; charset=utf-8", response[7]);
        Assert.Equal("A & B page", response[8]);
        Assert.Equal(Page, response[9]);
        Assert.StartsWith("<urn:uuid:", (string)response[1]!);
        Assert.Equal("2023-06-01T12:00:00Z", response[2]);
        // Chunked, gzip-encoded and both: the same page after decoding.
        Assert.Equal(Page, t.Rows[3][9]);
        Assert.Equal(404L, t.Rows[4][6]);
        Assert.Equal(Page, t.Rows[4][9]);
        Assert.Equal(Page, t.Rows[5][9]);
        // A binary body keeps its status and type but no text; requests no text; WET text and WAT JSON as they are.
        Assert.Equal("image/png", t.Rows[6][7]);
        Assert.Null(t.Rows[6][9]);
        Assert.Null(t.Rows[1][9]);
        Assert.Equal("A & B page\nHeading\nFirst para with bold text.", t.Rows[8][9]);
        Assert.Equal("{\"Envelope\":{\"Format\":\"WARC\"}}", t.Rows[9][9]);
        Assert.Null(t.Rows[8][6]);
    }

    [Fact]
    public void Plain_and_gzipped_files_read_the_same()
    {
        var crawl = Crawl();
        var gz = Rows.ReadAll(_files.Write("a.warc.gz", crawl.GzipPerRecord())).Rows;
        var plain = Rows.ReadAll(_files.Write("a.warc", crawl.Plain())).Rows;
        Assert.Equal(plain.Select(r => r[0]), gz.Select(r => r[0]));
        Assert.Equal(plain.Select(r => r[9]), gz.Select(r => r[9]));
        // WET and WAT names, and a name that says nothing (sniffed from "WARC/").
        Assert.Equal(11, Rows.ReadAll(_files.Write("CC-MAIN-x.warc.wet.gz", crawl.GzipPerRecord())).Rows.Count);
        Assert.Equal(11, Rows.ReadAll(_files.Write("CC-MAIN-x.warc.wat.gz", crawl.GzipPerRecord())).Rows.Count);
        Assert.Equal(11, Rows.ReadAll(_files.Write("segment-00001", crawl.GzipPerRecord())).Rows.Count);
    }

    [Fact]
    public void Html_to_text_gives_readable_text_without_scripts_or_styles()
    {
        string path = _files.Write("crawl.warc.gz", Crawl().GzipPerRecord());
        var t = Rows.ReadAll(path, new TableReaderOptions { HtmlToText = true });
        string text = (string)t.Rows[2][9]!;
        Assert.Equal("Heading\n\nFirst para with bold text.\n\nSecond", text.Replace("\u00A0", " "));
        Assert.DoesNotContain("color", text);
        Assert.DoesNotContain("no", text.Split('\n')[^1]);
    }

    [Fact]
    public void Columns_can_be_projected()
    {
        string path = _files.Write("crawl.warc", Crawl().Plain());
        var t = Rows.ReadAll(path, new TableReaderOptions { Columns = ["target_uri", "warc_type"] });
        Assert.Equal(["target_uri", "warc_type"], t.Columns);
        Assert.Equal(["http://example.com/", "response"], t.Rows[2]);
    }

    [Fact]
    public void Content_length_running_past_the_file_is_an_error_naming_the_record()
    {
        var w = new WarcFileWriter()
            .Record("conversion", "fine", "text/plain")
            .Record("conversion", Encoding.UTF8.GetBytes("short"), "text/plain", declaredLength: 5000);
        foreach (var (name, bytes) in new[] { ("long.warc", w.Plain()), ("long.warc.gz", w.GzipPerRecord()) })
        {
            string path = _files.Write(name, bytes);
            var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("record 2", e.Message);
            Assert.Contains("Content-Length 5,000 runs past the end of the file", e.Message);
        }
    }

    [Fact]
    public void A_gzip_member_that_is_not_warc_is_an_error()
    {
        byte[] good = new WarcFileWriter().Record("conversion", "text", "text/plain").GzipPerRecord();
        byte[] other = WarcFileWriter.Gzip("{\"not\":\"warc\"}\n"u8.ToArray());
        string path = _files.Write("mixed.warc.gz", [.. good, .. other]);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains("record 2 does not start with 'WARC/'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_truncated_member_is_an_error_not_a_silent_end()
    {
        byte[] whole = Crawl().GzipPerRecord();
        string path = _files.Write("cut.warc.gz", whole[..(whole.Length - 40)]);
        var e = Assert.Throws<DataFormatException>(() => Rows.ReadAll(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_header_line_without_colon_and_a_missing_length_are_errors()
    {
        string bad = _files.Write("bad.warc", "WARC/1.0\r\nWARC-Type: response\r\nthis is not a header\r\nContent-Length: 0\r\n\r\n\r\n\r\n");
        Assert.Contains("has no ':'", Assert.Throws<DataFormatException>(() => Rows.ReadAll(bad)).Message);
        string missing = _files.Write("nolen.warc", "WARC/1.0\r\nWARC-Type: response\r\n\r\n");
        Assert.Contains("Content-Length", Assert.Throws<DataFormatException>(() => Rows.ReadAll(missing)).Message);
        string open = _files.Write("open.warc", "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 3");
        Assert.Contains("header block", Assert.Throws<DataFormatException>(() => Rows.ReadAll(open)).Message);
    }

    [Fact]
    public void A_payload_above_the_record_limit_keeps_its_start_and_the_next_record_is_read()
    {
        var w = new WarcFileWriter()
            .Record("conversion", new string('x', 10_000), "text/plain")
            .Record("conversion", "after", "text/plain");
        string path = _files.Write("big.warc", w.Plain());
        var t = Rows.ReadAll(path, new TableReaderOptions { MaxRecordBytes = 100 });
        Assert.Equal(new string('x', 100), t.Rows[0][9]);
        Assert.Equal(10_000L, t.Rows[0][5]);
        Assert.Equal("after", t.Rows[1][9]);
    }

    [Fact]
    public void A_malformed_chunked_body_leaves_the_text_empty_and_reading_goes_on()
    {
        var w = new WarcFileWriter()
            .Record("response", WarcFileWriter.Http(200, "text/html", "zz\r\nnot chunked"u8.ToArray(), "Transfer-Encoding: chunked"), "application/http; msgtype=response", "http://a/")
            .Record("conversion", "next", "text/plain");
        var t = Rows.ReadAll(_files.Write("chunk.warc", w.Plain()));
        Assert.Equal(200L, t.Rows[0][6]);
        Assert.Null(t.Rows[0][9]);
        Assert.Equal("next", t.Rows[1][9]);
    }
}
