using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Trawl.Cli.Tests;

/// <summary>Text corpora as published: RedPajama's folder layout with .jsonl.zst parts, Common Crawl WARC files.</summary>
public sealed class CorporaTests
{
    private static readonly string[] Words = ["the", "model", "data", "token", "paper", "naïve", "東京", "code", "page", "river", "theorem", "def", "return"];

    private sealed record Doc(string Source, string Text);

    /// <summary>A sample in RedPajama-Data-1T's layout: a folder per source, common_crawl split by snapshot, some parts zstd-compressed.</summary>
    private static List<Doc> WriteRedPajamaSample(string root)
    {
        var random = new Random(1);
        var docs = new List<Doc>();
        (string Folder, string File, bool Zstd, int Count)[] parts =
        [
            ("arxiv", "arxiv_023827cd.jsonl", false, 7),
            ("book", "book.jsonl", false, 3),
            ("c4", "c4-train.00000-of-01024.jsonl", false, 11),
            ("common_crawl/2019-30", "en_head_0000.json.gz.dedup.classifier.jsonl.zst", true, 9),
            ("common_crawl/2023-06", "en_middle_0000.json.gz.dedup.classifier.jsonl.zst", true, 6),
            ("github", "filtered_0.sampled.jsonl", false, 4),
            ("stackexchange", "stackexchange.jsonl", false, 5),
            ("wikipedia", "wiki.jsonl.zst", true, 8),
        ];
        foreach (var (folder, file, zstd, count) in parts)
        {
            string dir = Path.Combine(root, folder);
            Directory.CreateDirectory(dir);
            var lines = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                string text = string.Join(random.Next(4) == 0 ? "\n" : " ", Enumerable.Range(0, random.Next(5, 80)).Select(_ => Words[random.Next(Words.Length)]));
                string source = folder.Split('/')[0];
                docs.Add(new Doc(source, text));
                lines.Append(JsonSerializer.Serialize(new { text, meta = new { source, url = $"https://{source}.example/{i}" }, red_pajama_subset = source })).Append('\n');
            }
            byte[] bytes = Encoding.UTF8.GetBytes(lines.ToString());
            if (zstd)
            {
                using var compressor = new ZstdSharp.Compressor(3);
                // Two frames, as files concatenated by the publishers' tools are.
                int half = bytes.Length / 2;
                while (bytes[half - 1] != (byte)'\n') half++;
                bytes = [.. compressor.Wrap(bytes.AsSpan(0, half)).ToArray(), .. compressor.Wrap(bytes.AsSpan(half)).ToArray()];
            }
            File.WriteAllBytes(Path.Combine(dir, file), bytes);
        }
        return docs;
    }

    [Fact]
    public void RedPajama_sample_is_ingested_with_its_source_folder_and_summed_by_tokens_and_bytes()
    {
        using var tmp = new TempFolder();
        string root = tmp.Combine("RedPajama-Data-1T");
        var docs = WriteRedPajamaSample(root);
        string dataset = tmp.Combine("rp.trawl");
        JsonElement report = CliRun.Of("ingest", dataset, Path.Combine(root, "**", "*.jsonl*"), "--table", "docs", "--flatten",
            "--derive", "source=folder()", "--derive", "file=file()", "--derive", "tokens=token_count(text, 'cl100k_base')",
            "--derive", "words=word_count(text)", "--derive", "bytes=byte_count(text)", "--json").Ok().Json();
        Assert.Equal(docs.Count, report.GetProperty("rows_read").GetInt64());
        Assert.Equal(8, report.GetProperty("sources").GetArrayLength());

        // Which sources, how many documents: a facet on the folder column.
        JsonElement facets = CliRun.Of("facets", dataset, "--table", "docs", "--column", "source", "--json").Ok().Json();
        string facetText = facets.ToString();
        foreach (var group in docs.GroupBy(d => d.Source))
            Assert.Contains($"\"{group.Key}\"", facetText);

        // How big and how many tokens per source: the sums match counts made here with the tokenizer itself.
        var tokenizer = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        JsonElement rows = CliRun.Of("sql", dataset, "select source, count(*), sum(tokens), sum(bytes), sum(words) from docs group by source order by source", "--json").Ok().Json().GetProperty("rows");
        var expected = docs.GroupBy(d => d.Source).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, rows.GetArrayLength());
        for (int i = 0; i < expected.Count; i++)
        {
            var row = rows[i];
            Assert.Equal(expected[i].Key, row[0].GetString());
            Assert.Equal(expected[i].Count(), row[1].GetInt64());
            Assert.Equal(expected[i].Sum(d => (long)tokenizer.CountTokens(d.Text)), row[2].GetInt64());
            Assert.Equal(expected[i].Sum(d => (long)Encoding.UTF8.GetByteCount(d.Text)), row[3].GetInt64());
            Assert.Equal(expected[i].Sum(d => (long)d.Text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length), row[4].GetInt64());
        }
        // trawl info answers the same in one command: the table's tokens and each source's.
        JsonElement info = CliRun.Of("info", dataset, "--json").Ok().Json().GetProperty("tables")[0].GetProperty("tokens");
        Assert.Equal("tokens", info.GetProperty("column").GetString());
        Assert.Equal(docs.Sum(d => (long)tokenizer.CountTokens(d.Text)), info.GetProperty("total").GetInt64());
        var bySource = info.GetProperty("by_facet").GetProperty("source").GetProperty("values").EnumerateArray()
            .ToDictionary(v => v.GetProperty("value").GetString()!, v => (Rows: v.GetProperty("rows").GetInt64(), Tokens: v.GetProperty("tokens").GetInt64()));
        Assert.Equal(expected.Count, bySource.Count);
        foreach (var g in expected)
            Assert.Equal((g.LongCount(), g.Sum(d => (long)tokenizer.CountTokens(d.Text))), bySource[g.Key]);
        Assert.Contains("Tokens (sum of tokens): ", CliRun.Of("info", dataset).Ok().Out, StringComparison.Ordinal);
        // The snapshot is in the file column; the nested meta was flattened.
        JsonElement cc = CliRun.Of("sql", dataset, "select count(*) from docs where file like 'common_crawl/2023-06/%' and meta_source = 'common_crawl'", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal(6, cc[0][0].GetInt64());
        // Full-text search over the text works across the compressed and plain parts.
        CliRun.Of("search", dataset, "theorem", "--table", "docs", "--json").Ok();
    }

    [Fact]
    public void A_jsonl_zst_that_is_really_gzip_is_an_error_naming_the_file_and_the_dataset_is_not_created()
    {
        using var tmp = new TempFolder();
        string path = tmp.Combine("part.jsonl.zst");
        using (var file = File.Create(path))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
            gz.Write("{\"text\":\"a\"}\n"u8);
        var run = CliRun.Of("ingest", tmp.Combine("d.trawl"), path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("part.jsonl.zst", run.Err);
        Assert.Contains("the name says zstd but the data is gzip-compressed", run.Err);
        Assert.False(File.Exists(Path.Combine(tmp.Combine("d.trawl"), "meta.db")));
    }

    private static byte[] WarcRecord(string type, string uri, string contentType, byte[] payload)
    {
        string head = $"WARC/1.0\r\nWARC-Type: {type}\r\nWARC-Record-ID: <urn:uuid:{Guid.NewGuid()}>\r\nWARC-Date: 2023-06-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\n\r\n";
        byte[] record = [.. Encoding.UTF8.GetBytes(head), .. payload, .. "\r\n\r\n"u8];
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(record);
        return output.ToArray();
    }

    [Fact]
    public void Warc_gz_is_ingested_with_where_on_the_record_type_a_domain_column_and_html_to_text()
    {
        using var tmp = new TempFolder();
        var bytes = new List<byte>();
        string[] hosts = ["a.example.com", "b.example.org", "a.example.com"];
        for (int i = 0; i < hosts.Length; i++)
        {
            string uri = $"https://{hosts[i]}/page{i}";
            bytes.AddRange(WarcRecord("request", uri, "application/http; msgtype=request", Encoding.UTF8.GetBytes($"GET /page{i} HTTP/1.1\r\n\r\n")));
            string html = $"<html><head><title>Page {i}</title></head><body><p>river number {i}</p><script>skip()</script></body></html>";
            bytes.AddRange(WarcRecord("response", uri, "application/http; msgtype=response", Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html)));
        }
        string warc = tmp.Combine("CC-MAIN-20230601-00000.warc.gz");
        File.WriteAllBytes(warc, [.. bytes]);
        string dataset = tmp.Combine("cc.trawl");
        CliRun.Of("ingest", dataset, warc, "--table", "pages", "--where", "warc_type = 'response'", "--derive", "domain=target_uri", "--html-to-text").Ok();
        JsonElement rows = CliRun.Of("sql", dataset, "select domain, http_status, title, text from pages order by rowid", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal(3, rows.GetArrayLength());
        Assert.Equal("b.example.org", rows[1][0].GetString());
        Assert.Equal(200, rows[1][1].GetInt32());
        Assert.Equal("Page 1", rows[1][2].GetString());
        Assert.Equal("river number 1", rows[1][3].GetString());
        JsonElement domains = CliRun.Of("facets", dataset, "--table", "pages", "--column", "domain", "--json").Ok().Json();
        Assert.Contains("a.example.com", domains.ToString());
    }

    [Fact]
    public void Dolma_attribute_files_in_their_folders_join_the_documents_later()
    {
        using var tmp = new TempFolder();
        string docs = tmp.File("docs.jsonl", "{\"id\":\"a\",\"text\":\"mail me at x@y.z\"}\n{\"id\":\"b\",\"text\":\"plain words\"}\n");
        string dataset = tmp.Combine("dolma.trawl");
        CliRun.Of("ingest", dataset, docs, "--table", "docs").Ok();
        foreach (var (folder, line) in new[]
        {
            ("toxicity", "{\"id\":\"a\",\"attributes\":{\"toxicity\":0.25}}\n{\"id\":\"b\",\"attributes\":{\"toxicity\":0.75}}\n{\"id\":\"zz\",\"attributes\":{\"toxicity\":1}}\n"),
            ("pii", "{\"id\":\"a\",\"attributes\":{\"pii\":{\"email\":[[11,16,1.0]]}}}\n"),
        })
        {
            Directory.CreateDirectory(tmp.Combine(Path.Combine("attributes", folder)));
            using var file = File.Create(tmp.Combine(Path.Combine("attributes", folder, "docs.json.gz")));
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(Encoding.UTF8.GetBytes(line));
        }
        var run = CliRun.Of("ingest", dataset, Path.Combine(tmp.Path, "attributes", "*", "*.json.gz"), "--attributes-of", "docs", "--key", "id", "--json").Ok();
        JsonElement report = run.Json();
        Assert.Equal(4, report.GetProperty("records").GetInt64());
        Assert.Equal(1, report.GetProperty("unmatched").GetInt64());
        Assert.Equal(1, report.GetProperty("spans").GetInt64());
        Assert.Contains("'zz' matches no document", report.GetProperty("problems")[0].GetString());
        JsonElement rows = CliRun.Of("sql", dataset, "select id, toxicity, pii_email_count from docs where toxicity < 0.5", "--json").Ok().Json().GetProperty("rows");
        Assert.Equal("a", Assert.Single(rows.EnumerateArray())[0].GetString());
        Assert.Equal(1, rows[0][2].GetInt32());
        var text = CliRun.Of("ingest", dataset, Path.Combine(tmp.Path, "attributes", "*", "*.json.gz"), "--attributes-of", "docs").Ok();
        Assert.Contains("1 matching no document", text.Out);
        Assert.Contains("skipped:", text.Err);
        var mixed = CliRun.Of("ingest", dataset, Path.Combine(tmp.Path, "attributes", "*", "*.json.gz"), "--attributes-of", "docs", "--where", "1");
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("--where cannot be used with it", mixed.Err);
    }
}
