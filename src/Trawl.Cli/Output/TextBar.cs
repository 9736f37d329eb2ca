namespace Trawl.Cli.Output;

/// <summary>A text bar for a terminal bar chart: length proportional to value / max, in eighths of a cell.</summary>
internal static class TextBar
{
    private static readonly string[] Partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

    public static string Bar(long value, long max, int width)
    {
        if (max <= 0 || value <= 0 || width <= 0)
            return "";
        long eighths = (long)Math.Round((double)value / max * width * 8);
        eighths = Math.Clamp(eighths, 1, (long)width * 8);
        return new string('█', (int)(eighths / 8)) + Partial[eighths % 8];
    }
}
