using System.Text;

namespace Trawl.Clip.Tokenizer;

/// <summary>CLIP's pre-tokenizer pattern, <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>,
/// as a scan over code points (so letters outside the BMP count as letters, which .NET's regex would split into
/// surrogates). Alternatives are tried in the pattern's order at each position; whitespace is skipped.</summary>
internal static class ClipPreTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <summary>Calls <paramref name="onPiece"/> with each piece (start, length in UTF-16 units) until it returns false.</summary>
    public static void Split(string text, Func<int, int, bool> onPiece)
    {
        int i = 0;
        while (i < text.Length)
        {
            var rune = Rune.GetRuneAt(text, i);
            if (Rune.IsWhiteSpace(rune)) { i += rune.Utf16SequenceLength; continue; }
            int length = MatchAt(text, i, rune);
            if (!onPiece(i, length))
                return;
            i += length;
        }
    }

    private static int MatchAt(string text, int i, Rune rune)
    {
        if (rune.Value == '<')
        {
            if (string.CompareOrdinal(text, i, StartOfText, 0, StartOfText.Length) == 0) return StartOfText.Length;
            if (string.CompareOrdinal(text, i, EndOfText, 0, EndOfText.Length) == 0) return EndOfText.Length;
        }
        if (rune.Value == '\'')
        {
            foreach (string c in Contractions)
            {
                if (i + c.Length <= text.Length && string.Compare(text, i, c, 0, c.Length, StringComparison.OrdinalIgnoreCase) == 0)
                    return c.Length;
            }
        }
        if (Rune.IsLetter(rune))
            return RunLength(text, i, static r => Rune.IsLetter(r));
        if (Rune.IsNumber(rune))
            return rune.Utf16SequenceLength;
        return RunLength(text, i, static r => !Rune.IsWhiteSpace(r) && !Rune.IsLetter(r) && !Rune.IsNumber(r));
    }

    private static int RunLength(string text, int start, Func<Rune, bool> belongs)
    {
        int j = start;
        while (j < text.Length)
        {
            var r = Rune.GetRuneAt(text, j);
            if (!belongs(r)) break;
            j += r.Utf16SequenceLength;
        }
        return j - start;
    }
}
