namespace Trawl.Store.Queries;

/// <summary>
/// SQLite's <c>date(x)</c> for the text it is asked about most (ISO dates and times without a zone), computed
/// without SQLite so the column files can facet and filter by date. Anything else is "not decided here" and the
/// caller asks SQLite, so both paths agree.
/// </summary>
internal static class IsoDate
{
    /// <summary>"YYYY-MM-DD" for "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]" (or with 'T', or a trailing 'Z');
    /// false when the text has another shape (a zone offset, a number, a bad month) that SQLite must judge.</summary>
    public static bool TryDate(ReadOnlySpan<char> text, out string date)
    {
        date = "";
        if (text.Length < 10 || !Digits(text[..4]) || text[4] != '-' || !Digits(text.Slice(5, 2)) || text[7] != '-' || !Digits(text.Slice(8, 2)))
            return false;
        int month = (text[5] - '0') * 10 + text[6] - '0';
        int day = (text[8] - '0') * 10 + text[9] - '0';
        if (month is < 1 or > 12 || day is < 1 or > 31)
            return false;
        if (text.Length > 10)
        {
            var rest = text[10..];
            if (rest[0] is not (' ' or 'T'))
                return false;
            rest = rest[1..];
            if (rest.Length > 0 && rest[^1] == 'Z')
                rest = rest[..^1];
            // HH:MM, HH:MM:SS or HH:MM:SS.fff, hours 0-24, minutes and seconds below 60.
            if (rest.Length < 5 || !Digits(rest[..2]) || rest[2] != ':' || !Digits(rest.Slice(3, 2)))
                return false;
            if ((rest[0] - '0') * 10 + rest[1] - '0' > 24 || rest[3] > '5')
                return false;
            rest = rest[5..];
            if (rest.Length > 0)
            {
                if (rest.Length < 3 || rest[0] != ':' || !Digits(rest.Slice(1, 2)) || rest[1] > '5')
                    return false;
                rest = rest[3..];
                if (rest.Length > 0 && (rest[0] != '.' || rest.Length == 1 || !Digits(rest[1..])))
                    return false;
            }
        }
        date = text[..10].ToString();
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
