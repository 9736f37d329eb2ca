using System.Globalization;
using System.Net;
using System.Text;

namespace Trawl.Clip.Tokenizer;

/// <summary>CLIP's text clean-up before tokenizing: basic_clean (ftfy.fix_text, HTML unescaped twice, stripped),
/// whitespace_clean (runs of whitespace become one space) and Python's str.lower().
/// Of ftfy.fix_text the deterministic fixes are reproduced (Latin ligatures, full-width ASCII and the ideographic
/// space, curly quotes, NFC); its mojibake repair is not. HTML entities are decoded by WebUtility (HTML 4's named
/// entities and numeric ones), where Python knows HTML 5's list.</summary>
internal static class ClipTextCleaner
{
    public static string Clean(string text)
    {
        string fixedText = UnicodeNfc.Normalize(FixCharacters(text));
        string unescaped = fixedText.Contains('&') ? WebUtility.HtmlDecode(WebUtility.HtmlDecode(fixedText)) : fixedText;
        return PythonLower(CollapseWhitespace(unescaped));
    }

    /// <summary>ftfy's fix_latin_ligatures, fix_character_width (ASCII range) and uncurl_quotes.</summary>
    internal static string FixCharacters(string text)
    {
        int i = 0;
        while (i < text.Length && text[i] < 0x0132) i++;
        if (i == text.Length)
            return text;
        var sb = new StringBuilder(text.Length + 8);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= 0xFF01 && c <= 0xFF5E) { sb.Append((char)(c - 0xFF01 + 0x21)); continue; }
            string? replacement = c switch
            {
                '\u3000' => " ",
                '\u2018' or '\u2019' or '\u201a' or '\u201b' or '\u2032' or '\u02bc' => "'",
                '\u201c' or '\u201d' or '\u201e' or '\u201f' or '\u2033' => "\"",
                '\u0132' => "IJ", '\u0133' => "ij", '\u0149' => "\u02bcn", '\u01f1' => "DZ", '\u01f2' => "Dz", '\u01f3' => "dz",
                '\u01c4' => "D\u017d", '\u01c5' => "D\u017e", '\u01c6' => "d\u017e", '\u01c7' => "LJ", '\u01c8' => "Lj", '\u01c9' => "lj",
                '\u01ca' => "NJ", '\u01cb' => "Nj", '\u01cc' => "nj", '\ufb00' => "ff", '\ufb01' => "fi", '\ufb02' => "fl",
                '\ufb03' => "ffi", '\ufb04' => "ffl", '\ufb05' => "\u017ft", '\ufb06' => "st",
                _ => null,
            };
            if (replacement is null) sb.Append(c); else sb.Append(replacement);
        }
        return sb.ToString();
    }

    /// <summary>strip(), then every run of whitespace as one space (regex \s+ → ' ').</summary>
    internal static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Python's str.lower(): Unicode's simple lower-case mapping per code point, İ as i + combining dot (its
    /// one unconditional full mapping) and Σ as final ς at the end of a word (the Final_Sigma context).</summary>
    internal static string PythonLower(string text)
    {
        var runes = new List<Rune>(text.Length);
        foreach (var r in text.EnumerateRunes()) runes.Add(r);
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < runes.Count; i++)
        {
            int v = runes[i].Value;
            if (v < 0x80)
            {
                sb.Append((char)(v is >= 'A' and <= 'Z' ? v + 32 : v));
            }
            else if (v == 0x130)
            {
                sb.Append("i\u0307");
            }
            else if (v == 0x3A3)
            {
                sb.Append(IsFinalSigma(runes, i) ? 'ς' : 'σ');
            }
            else
            {
                sb.Append(Rune.ToLowerInvariant(runes[i]).ToString());
            }
        }
        return sb.ToString();
    }

    private static bool IsFinalSigma(List<Rune> runes, int i)
    {
        int j = i - 1;
        while (j >= 0 && IsCaseIgnorable(runes[j])) j--;
        if (j < 0 || !IsCased(runes[j]))
            return false;
        j = i + 1;
        while (j < runes.Count && IsCaseIgnorable(runes[j])) j++;
        return j == runes.Count || !IsCased(runes[j]);
    }

    private static bool IsCased(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune r) =>
        r.Value is '\'' or '.' or ':' or 0xB7 or 0x2019 or 0x2024 or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
