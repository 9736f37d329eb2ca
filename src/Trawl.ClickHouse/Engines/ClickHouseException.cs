using Trawl.Store;

namespace Trawl.ClickHouse.Engines;

/// <summary>An error ClickHouse reported for a statement (its code and message), or a failure to reach it.
/// A user error: the message names the engine and says what ClickHouse said.</summary>
public sealed class ClickHouseException : UserErrorException
{
    public ClickHouseException(string message, int code = 0, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>ClickHouse's error code (e.g. 62 syntax error, 159 timeout, 164 readonly), or 0 when unknown.</summary>
    public int Code { get; }

    /// <summary>Reads "Code: 62, e.displayText() = ..." (18.x) or "Code: 62. DB::Exception: ..." (newer).</summary>
    internal static ClickHouseException FromServerText(string where, string text)
    {
        text = text.Trim();
        int code = 0;
        if (text.StartsWith("Code: ", StringComparison.Ordinal))
        {
            int end = 6;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
                end++;
            int.TryParse(text.AsSpan(6, end - 6), out code);
        }
        if (text.Length > 2000)
            text = text[..2000] + "...";
        return new ClickHouseException($"{where}: {text}", code);
    }
}
