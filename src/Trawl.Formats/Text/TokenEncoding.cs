namespace Trawl.Formats.Text;

/// <summary>The BPE vocabularies token counts can use (tiktoken's names).</summary>
public enum TokenEncoding : byte
{
    /// <summary>GPT-3.5/GPT-4 (cl100k_base).</summary>
    Cl100kBase,
    /// <summary>GPT-4o (o200k_base).</summary>
    O200kBase,
    /// <summary>GPT-2 (tiktoken's gpt2 vocabulary).</summary>
    Gpt2,
}

public static class TokenEncodings
{
    public static IReadOnlyList<string> Names { get; } = ["cl100k_base", "o200k_base", "gpt2"];

    public static bool TryParse(string name, out TokenEncoding encoding)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "cl100k_base" or "cl100k":
                encoding = TokenEncoding.Cl100kBase;
                return true;
            case "o200k_base" or "o200k":
                encoding = TokenEncoding.O200kBase;
                return true;
            case "gpt2":
                encoding = TokenEncoding.Gpt2;
                return true;
            default:
                encoding = default;
                return false;
        }
    }

    public static string Name(TokenEncoding encoding) => encoding switch
    {
        TokenEncoding.Cl100kBase => "cl100k_base",
        TokenEncoding.O200kBase => "o200k_base",
        _ => "gpt2",
    };
}
