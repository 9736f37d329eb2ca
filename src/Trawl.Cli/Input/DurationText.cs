using System.Globalization;
using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>Parses durations such as "5s", "500ms", "2m", "1.5s" or a bare number of seconds.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string optionName)
    {
        string t = text.Trim().ToLowerInvariant();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ when t.EndsWith('h') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value <= 0 || value * scale > TimeSpan.MaxValue.TotalSeconds / 2)
            throw new UserErrorException($"{optionName}: '{text}' is not a duration (examples: 5s, 500ms, 2m)");
        return TimeSpan.FromSeconds(value * scale);
    }
}
