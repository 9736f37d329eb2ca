using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Trawl.Formats.Text;

/// <summary>
/// Counts BPE tokens of UTF-8 text with Microsoft.ML.Tokenizers' tiktoken (vocabularies from its
/// data packages). The text is transcoded into a reused UTF-16 buffer, so counting allocates
/// nothing per value of its own. One instance per thread.
/// </summary>
public sealed class TokenCounter
{
    private static readonly Lazy<Tokenizer>[] Tokenizers =
    [
        new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base")),
        new(() => TiktokenTokenizer.CreateForEncoding("o200k_base")),
        new(() => TiktokenTokenizer.CreateForModel("gpt2")),
    ];

    private readonly Tokenizer _tokenizer;
    private char[] _chars = new char[1 << 12];

    public TokenCounter(TokenEncoding encoding)
    {
        Encoding = encoding;
        _tokenizer = Tokenizers[(int)encoding].Value;
    }

    public TokenEncoding Encoding { get; }

    /// <summary>The tokenizer itself (for comparisons in tests and benchmarks).</summary>
    public Tokenizer Tokenizer => _tokenizer;

    /// <summary>Tokens in <paramref name="utf8"/>; invalid UTF-8 is counted as U+FFFD.</summary>
    public int Count(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
            return 0;
        if (_chars.Length < utf8.Length)
            _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        // UTF-16 never needs more code units than UTF-8 has bytes.
        System.Text.Unicode.Utf8.ToUtf16(utf8, _chars, out _, out int written, replaceInvalidSequences: true);
        return _tokenizer.CountTokens(_chars.AsSpan(0, written));
    }
}
