namespace Trawl.Clip.Tokenizer;

/// <summary>GPT-2/CLIP's reversible map from bytes to printable characters (bytes_to_unicode): printable Latin-1 bytes
/// stand for themselves, the rest take code points from U+0100 up, so BPE never sees whitespace or control bytes.</summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character each byte stands for.</summary>
    public static readonly char[] ByteToChar = Build();

    private static char[] Build()
    {
        var map = new char[256];
        var isDirect = new bool[256];
        for (int b = '!'; b <= '~'; b++) isDirect[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) isDirect[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) isDirect[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++)
            map[b] = isDirect[b] ? (char)b : (char)(256 + next++);
        return map;
    }

    /// <summary>Bytes in CLIP's vocabulary order: the printable ones first, then the remapped ones (as bytes_to_unicode
    /// lists them), which fixes the ids 0–255 of a vocabulary built from merges alone.</summary>
    public static IEnumerable<byte> VocabularyOrder()
    {
        var direct = new List<byte>();
        var rest = new List<byte>();
        for (int b = 0; b < 256; b++)
            (ByteToChar[b] == b ? direct : rest).Add((byte)b);
        return direct.Concat(rest);
    }
}
