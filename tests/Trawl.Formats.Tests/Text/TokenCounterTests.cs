using System.Text;
using Microsoft.ML.Tokenizers;
using Trawl.Formats.Text;

namespace Trawl.Formats.Tests.Text;

public sealed class TokenCounterTests
{
    private static readonly string[] Samples =
    [
        "",
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog.\n\nSecond paragraph with numbers 12345 and symbols $%^&.",
        "Ünïcödé, 東京タワー, emoji 🚀🚀 and Ελληνικά.",
        new string('a', 5000) + " tail",
    ];

    [Theory]
    [InlineData(TokenEncoding.Cl100kBase, "cl100k_base")]
    [InlineData(TokenEncoding.O200kBase, "o200k_base")]
    [InlineData(TokenEncoding.Gpt2, "gpt2")]
    public void Counts_match_the_tokenizer_called_directly(TokenEncoding encoding, string tiktokenName)
    {
        var counter = new TokenCounter(encoding);
        var direct = tiktokenName == "gpt2" ? TiktokenTokenizer.CreateForModel("gpt2") : TiktokenTokenizer.CreateForEncoding(tiktokenName);
        foreach (string text in Samples)
        {
            int expected = direct.EncodeToIds(text).Count;
            Assert.Equal(expected, counter.Count(Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void Known_cl100k_counts()
    {
        var counter = new TokenCounter(TokenEncoding.Cl100kBase);
        // "hello world" is two tokens in cl100k_base; "tiktoken is great!" six (tiktoken's README).
        Assert.Equal(2, counter.Count("hello world"u8));
        Assert.Equal(6, counter.Count("tiktoken is great!"u8));
    }

    [Fact]
    public void Invalid_utf8_is_counted_without_throwing()
    {
        var counter = new TokenCounter(TokenEncoding.Cl100kBase);
        Assert.True(counter.Count([(byte)'a', 0xFF, 0xFE, (byte)'b']) >= 2);
    }

    [Theory]
    [InlineData("cl100k_base", TokenEncoding.Cl100kBase)]
    [InlineData("O200K_BASE", TokenEncoding.O200kBase)]
    [InlineData("gpt2", TokenEncoding.Gpt2)]
    public void Encoding_names_parse(string name, TokenEncoding expected)
    {
        Assert.True(TokenEncodings.TryParse(name, out var e));
        Assert.Equal(expected, e);
        Assert.False(TokenEncodings.TryParse("p50k_edit", out _));
    }
}
