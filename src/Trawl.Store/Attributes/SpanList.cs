using System.Text.Json;

namespace Trawl.Store.Attributes;

/// <summary>A span attribute's value: <c>[[start, end], …]</c> or <c>[[start, end, score], …]</c>, character offsets into the text.</summary>
internal static class SpanList
{
    public readonly record struct Span(long Start, long End, double? Score);

    /// <summary>Parses <paramref name="json"/> into <paramref name="spans"/>; false when it is not a list of spans at all.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, List<Span> spans)
    {
        spans.Clear();
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                return false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                    return false;
                var numbers = new double[3];
                int n = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || n == 3)
                        return false;
                    numbers[n++] = reader.GetDouble();
                }
                if (n < 2 || numbers[0] != Math.Floor(numbers[0]) || numbers[1] != Math.Floor(numbers[1]))
                    return false;
                spans.Add(new Span((long)numbers[0], (long)numbers[1], n == 3 ? numbers[2] : null));
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Why the spans cannot be placed in a text of <paramref name="textLength"/> characters, or null when they can.</summary>
    public static string? Problem(List<Span> spans, long textLength)
    {
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        long previousEnd = -1;
        foreach (var s in spans)
        {
            if (s.Start < 0 || s.End < s.Start)
                return $"span [{s.Start}, {s.End}] runs backwards or starts before the text";
            if (s.End > textLength)
                return $"span [{s.Start}, {s.End}] ends past the text ({textLength} characters)";
            if (s.Start < previousEnd)
                return $"span [{s.Start}, {s.End}] overlaps the span before it (which ends at {previousEnd})";
            previousEnd = s.End;
        }
        return null;
    }
}
