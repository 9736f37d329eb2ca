using System.Globalization;
using System.Text;
using Trawl.Store.Attributes;

namespace Trawl.Server.Rendering;

/// <summary>
/// Shows attribute spans (PII, toxic, duplicate paragraphs) inside a text on the row page: each stretch of text
/// covered by spans becomes a <c>&lt;mark&gt;</c> naming the attributes (spans of different attributes may overlap,
/// so a stretch can carry several). Span offsets count characters (code points, as Python does); every character is
/// HTML-encoded, labels too.
/// </summary>
internal static class SpanHighlighter
{
    public static void Append(StringBuilder sb, string text, IReadOnlyList<AttributeSpans.StoredSpan> spans)
    {
        // Code point offsets → UTF-16 indices (index[i] is where code point i starts; index[count] = text.Length).
        var index = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
            index.Add(i);
        int count = index.Count;
        index.Add(text.Length);
        var boundaries = new SortedSet<int> { 0, count };
        foreach (var s in spans)
        {
            boundaries.Add((int)Math.Clamp(s.Start, 0, count));
            boundaries.Add((int)Math.Clamp(s.End, 0, count));
        }
        int? previous = null;
        foreach (int b in boundaries)
        {
            if (previous is { } from && b > from)
            {
                string piece = text[index[from]..index[b]];
                var covering = spans.Where(s => s.Start <= from && s.End >= b).ToList();
                if (covering.Count == 0)
                {
                    sb.AppendEncoded(piece);
                }
                else
                {
                    string labels = string.Join(" ", covering.Select(s => s.Attribute).Distinct());
                    string title = string.Join("; ", covering.Select(s => s.Score is { } score ? $"{s.Attribute} {score.ToString("0.###", CultureInfo.InvariantCulture)}" : s.Attribute));
                    sb.Append("<mark class=\"attr-span\" data-attributes=\"").AppendEncoded(labels).Append("\" title=\"").AppendEncoded(title).Append("\">")
                      .AppendEncoded(piece).Append("<sub class=\"attr-label\">").AppendEncoded(labels).Append("</sub></mark>");
                }
            }
            previous = b;
        }
    }
}
