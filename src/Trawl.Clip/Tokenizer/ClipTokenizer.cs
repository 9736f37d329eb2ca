using System.Collections.Concurrent;
using System.Text;

namespace Trawl.Clip.Tokenizer;

/// <summary>CLIP's tokenizer (simple_tokenizer.py and clip.tokenize with truncate=True): clean-up and lower-casing,
/// the pre-tokenizer pattern, byte-level BPE with &lt;/w&gt; closing each word, then &lt;|startoftext|&gt; … &lt;|endoftext|&gt;
/// cut to the context (the last kept token becomes &lt;|endoftext|&gt;) and padded with 0. Thread-safe.</summary>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's context length.</summary>
    public const int DefaultContextLength = 77;

    /// <summary>Characters of input looked at. 77 tokens never need more than this except for text that is nearly all
    /// whitespace or one enormous word; the cap bounds the work a hostile caption can cause.</summary>
    public const int MaxInputChars = 16384;

    private const int MaxCachedWords = 200_000;
    private readonly ClipVocabulary _vocab;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    internal ClipTokenizer(ClipVocabulary vocab, int contextLength = DefaultContextLength)
    {
        if (contextLength < 2) throw new ArgumentOutOfRangeException(nameof(contextLength), "the context holds at least the start and end tokens");
        _vocab = vocab;
        ContextLength = contextLength;
    }

    /// <summary>The tokenizer of a CLIP model folder (tokenizer.json, vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz).</summary>
    public static ClipTokenizer Open(string folder, int contextLength = DefaultContextLength) =>
        new(ClipVocabulary.Find(folder) ?? throw new Trawl.Formats.Tables.DataFormatException(folder,
            "no tokenizer: expected tokenizer.json, vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz"), contextLength);

    public int ContextLength { get; }
    public int VocabularySize => _vocab.Size;
    public int StartOfTextId => _vocab.StartOfText;
    public int EndOfTextId => _vocab.EndOfText;

    /// <summary>Token ids of a text without start/end tokens, stopping once <paramref name="maxTokens"/> are out.</summary>
    public List<int> Encode(string text, int maxTokens = int.MaxValue)
    {
        if (text.Length > MaxInputChars)
        {
            int cut = MaxInputChars;
            if (char.IsHighSurrogate(text[cut - 1])) cut--;
            text = text[..cut];
        }
        string clean = ClipTextCleaner.Clean(text);
        var ids = new List<int>();
        ClipPreTokenizer.Split(clean, (start, length) =>
        {
            var piece = clean.AsSpan(start, length);
            if (piece.SequenceEqual(ClipPreTokenizer.StartOfText)) ids.Add(_vocab.StartOfText);
            else if (piece.SequenceEqual(ClipPreTokenizer.EndOfText)) ids.Add(_vocab.EndOfText);
            else ids.AddRange(WordIds(clean.Substring(start, length)));
            return ids.Count < maxTokens;
        });
        if (ids.Count > maxTokens) ids.RemoveRange(maxTokens, ids.Count - maxTokens);
        return ids;
    }

    /// <summary>clip.tokenize for one text into <paramref name="destination"/> (ContextLength ids); returns the index
    /// of the &lt;|endoftext|&gt; token (where CLIP pools).</summary>
    public int Tokenize(string text, Span<long> destination)
    {
        if (destination.Length != ContextLength) throw new ArgumentException($"expected {ContextLength} slots", nameof(destination));
        var ids = Encode(text, ContextLength - 1);
        destination.Clear();
        destination[0] = _vocab.StartOfText;
        int n = Math.Min(ids.Count, ContextLength - 2);
        for (int i = 0; i < n; i++) destination[1 + i] = ids[i];
        destination[1 + n] = _vocab.EndOfText;
        return 1 + n;
    }

    /// <summary>clip.tokenize for one text as a new array.</summary>
    public long[] Tokenize(string text)
    {
        var ids = new long[ContextLength];
        Tokenize(text, ids);
        return ids;
    }

    private int[] WordIds(string word)
    {
        if (_cache.TryGetValue(word, out int[]? cached)) return cached;
        int[] ids = Bpe(Encoding.UTF8.GetBytes(word));
        if (_cache.Count < MaxCachedWords) _cache.TryAdd(word, ids);
        return ids;
    }

    /// <summary>simple_tokenizer.bpe over ids: repeatedly take the lowest-ranked adjacent pair and merge every
    /// non-overlapping occurrence of it left to right, until no pair has a rank.</summary>
    internal int[] Bpe(byte[] bytes)
    {
        var word = new List<int>(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
            word.Add(i == bytes.Length - 1 ? _vocab.ByteEndIds[bytes[i]] : _vocab.ByteIds[bytes[i]]);
        var next = new List<int>(word.Count);
        while (word.Count > 1)
        {
            int bestRank = int.MaxValue, first = -1, second = -1, merged = -1;
            for (int i = 0; i + 1 < word.Count; i++)
            {
                if (_vocab.TryMerge(word[i], word[i + 1], out int rank, out int result) && rank < bestRank)
                {
                    bestRank = rank; first = word[i]; second = word[i + 1]; merged = result;
                }
            }
            if (merged < 0) break;
            next.Clear();
            for (int i = 0; i < word.Count;)
            {
                if (i + 1 < word.Count && word[i] == first && word[i + 1] == second)
                {
                    next.Add(merged);
                    i += 2;
                }
                else
                {
                    next.Add(word[i++]);
                }
            }
            (word, next) = (next, word);
        }
        return word.ToArray();
    }
}
