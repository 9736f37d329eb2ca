using System.Globalization;

namespace Trawl.Store.AnnIndexes;

/// <summary>Memory sizes as people write them: 4G, 512M, 1.5GB, 64KiB, 100000 (binary units: 1G = 1024³ bytes).</summary>
public static class MemoryBudget
{
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.')) end++;
        string number = s[..end], unit = s[end..].Trim().ToUpperInvariant();
        if (unit.EndsWith("IB", StringComparison.Ordinal)) unit = unit[..^2];
        else if (unit.Length == 2 && unit[1] == 'B') unit = unit[..1];
        long scale = unit switch
        {
            "" or "B" => 1,
            "K" => 1L << 10,
            "M" => 1L << 20,
            "G" => 1L << 30,
            "T" => 1L << 40,
            _ => 0,
        };
        if (scale == 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * scale > long.MaxValue / 2)
            throw new UserErrorException($"cannot read the memory size '{text}': write a number with an optional unit K, M, G or T, e.g. 4G or 512M");
        return (long)(value * scale);
    }

    public static string Format(long bytes)
    {
        var c = CultureInfo.InvariantCulture;
        return bytes switch
        {
            >= 1L << 40 => (bytes / (double)(1L << 40)).ToString("0.0", c) + " TiB",
            >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", c) + " GiB",
            >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", c) + " MiB",
            >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", c) + " KiB",
            _ => bytes.ToString(c) + " B",
        };
    }
}
