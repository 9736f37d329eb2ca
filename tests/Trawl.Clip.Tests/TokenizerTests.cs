using System.IO.Compression;
using System.Text.Json;
using Trawl.Clip.Tokenizer;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Tests;

public class TokenizerTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.Open(TinyClip.Folder);

    [Theory]
    [MemberData(nameof(TinyClip.TokenCases), MemberType = typeof(TinyClip))]
    public void Tokens_match_the_python_port_of_clips_simple_tokenizer(int index)
    {
        var c = TinyClip.Reference.GetProperty("tokens")[index];
        string text = c.GetProperty("text").GetString()!;
        long[] expected = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(expected, Tokenizer.Tokenize(text));
    }

    [Fact]
    public void Text_longer_than_the_context_is_cut_with_the_end_token_last()
    {
        var ids = Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("photo", 500)));
        Assert.Equal(77, ids.Length);
        Assert.Equal(Tokenizer.StartOfTextId, ids[0]);
        Assert.Equal(Tokenizer.EndOfTextId, ids[76]);
        Assert.DoesNotContain(0L, ids);
    }

    [Fact]
    public void Empty_text_is_start_and_end_tokens_then_padding()
    {
        var ids = Tokenizer.Tokenize("");
        Assert.Equal([Tokenizer.StartOfTextId, Tokenizer.EndOfTextId], ids[..2]);
        Assert.All(ids[2..], v => Assert.Equal(0L, v));
    }

    [Fact]
    public void Hostile_text_is_bounded_and_does_not_throw()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var ids = Tokenizer.Tokenize(new string('x', 5_000_000));
        Assert.Equal(Tokenizer.EndOfTextId, ids[76]);
        var lone = Tokenizer.Tokenize("a \ud800 b \udc00 c");
        Assert.Equal(Tokenizer.StartOfTextId, lone[0]);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Tokenizer_json_and_openai_merges_give_the_same_ids_as_vocab_and_merges()
    {
        using var t = new TempFolder();
        var vocab = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyClip.Folder, "vocab.json"))).RootElement;
        var merges = File.ReadAllLines(Path.Combine(TinyClip.Folder, "merges.txt")).Skip(1).Where(l => l.Length > 0).ToArray();
        string hf = Path.Combine(t.Path, "hf");
        Directory.CreateDirectory(hf);
        File.WriteAllText(Path.Combine(hf, "tokenizer.json"), JsonSerializer.Serialize(new { model = new { type = "BPE", vocab, merges } }));
        string openai = Path.Combine(t.Path, "openai");
        Directory.CreateDirectory(openai);
        using (var gz = new GZipStream(File.Create(Path.Combine(openai, "bpe_simple_vocab_16e6.txt.gz")), CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
        {
            w.Write("\"bpe_simple_vocab_16e6.txt#version: 0.2\n" + string.Join("\n", merges) + "\n");
        }
        var a = ClipTokenizer.Open(hf);
        var b = ClipTokenizer.Open(openai);
        foreach (var c in TinyClip.Reference.GetProperty("tokens").EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            var expected = Tokenizer.Tokenize(text);
            Assert.Equal(expected, a.Tokenize(text));
            Assert.Equal(expected, b.Tokenize(text));
        }
    }

    [Fact]
    public void A_merge_naming_an_unknown_token_is_an_error_naming_the_file_and_line()
    {
        using var t = new TempFolder();
        File.Copy(Path.Combine(TinyClip.Folder, "vocab.json"), t.File("vocab.json"));
        File.WriteAllText(t.File("merges.txt"), "#version: 0.2\nt h\nthis-is-not-a-pair\n");
        var e = Assert.Throws<DataFormatException>(() => ClipTokenizer.Open(t.Path));
        Assert.Contains("merges.txt", e.Message);
        Assert.Contains("line 3", e.Message);
        File.WriteAllText(t.File("merges.txt"), "#version: 0.2\nqq zz\n");
        e = Assert.Throws<DataFormatException>(() => ClipTokenizer.Open(t.Path));
        Assert.Contains("not in the vocabulary", e.Message);
    }

    [Fact]
    public void A_vocabulary_without_the_special_tokens_is_refused()
    {
        using var t = new TempFolder();
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(TinyClip.Folder, "vocab.json")))!;
        vocab.Remove("<|endoftext|>");
        File.WriteAllText(t.File("vocab.json"), JsonSerializer.Serialize(vocab));
        File.Copy(Path.Combine(TinyClip.Folder, "merges.txt"), t.File("merges.txt"));
        var e = Assert.Throws<DataFormatException>(() => ClipTokenizer.Open(t.Path));
        Assert.Contains("<|endoftext|>", e.Message);
    }

    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("A\u030a\u0301", "\u01fa")]
    [InlineData("\u212b", "\u00c5")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("q\u0323\u0307", "q\u0323\u0307")]
    [InlineData("q\u0307\u0323", "q\u0323\u0307")]
    public void Nfc_composes_reorders_and_maps_singletons(string input, string expected) =>
        Assert.Equal(expected, UnicodeNfc.Normalize(input));
}
