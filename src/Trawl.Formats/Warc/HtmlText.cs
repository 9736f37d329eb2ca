using System.Net;
using System.Text;

namespace Trawl.Formats.Warc;

/// <summary>
/// Readable text from HTML, for <c>--html-to-text</c>: tags dropped, script/style/noscript/template
/// contents dropped, block elements turned into line breaks, entities decoded, runs of spaces
/// collapsed. A pragmatic extractor, not a browser: it does not build a DOM.
/// </summary>
internal static class HtmlText
{
    private static readonly string[] Skipped = ["script", "style", "noscript", "template", "svg", "head"];
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Blocks = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
        "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "title", "nav", "main", "aside", "form",
    }.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The contents of the first &lt;title&gt;, entities decoded and spaces collapsed; null when there is none.</summary>
    public static string? Title(string html)
    {
        int open = html.IndexOf("<title", StringComparison.OrdinalIgnoreCase);
        if (open < 0)
            return null;
        int gt = html.IndexOf('>', open);
        if (gt < 0)
            return null;
        int close = html.IndexOf("</title", gt, StringComparison.OrdinalIgnoreCase);
        if (close < 0)
            return null;
        string title = Collapse(WebUtility.HtmlDecode(html[(gt + 1)..close]), keepLines: false);
        return title.Length == 0 ? null : title;
    }

    public static string ToText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        int i = 0;
        while (i < html.Length)
        {
            int lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                text.Append(html, i, html.Length - i);
                break;
            }
            text.Append(html, i, lt - i);
            if (html.AsSpan(lt).StartsWith("<!--"))
            {
                int endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            int gt = html.IndexOf('>', lt + 1);
            if (gt < 0)
                break;
            var tag = TagName(html.AsSpan(lt + 1, gt - lt - 1), out bool closing);
            i = gt + 1;
            if (!closing && IsSkipped(tag))
            {
                int end = html.IndexOf("</" + tag.ToString(), i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : Math.Max(i, html.IndexOf('>', end) + 1);
                if (i == 0)
                    i = html.Length;
                continue;
            }
            if (Blocks.Contains(tag))
                text.Append('\n');
            else
                text.Append(' ');
        }
        return Collapse(WebUtility.HtmlDecode(text.ToString()), keepLines: true);
    }

    private static bool IsSkipped(ReadOnlySpan<char> tag)
    {
        foreach (string s in Skipped)
        {
            if (tag.Equals(s, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static ReadOnlySpan<char> TagName(ReadOnlySpan<char> inside, out bool closing)
    {
        closing = inside.StartsWith("/");
        if (closing)
            inside = inside[1..];
        int n = 0;
        while (n < inside.Length && (char.IsAsciiLetterOrDigit(inside[n]) || inside[n] == '-'))
            n++;
        return inside[..n];
    }

    private static string Collapse(string text, bool keepLines)
    {
        var result = new StringBuilder(text.Length);
        int newlines = 0;
        bool space = false;
        foreach (char c in text)
        {
            if (c == '\n' && keepLines)
            {
                newlines++;
                space = false;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (result.Length > 0)
            {
                if (newlines > 0)
                    result.Append(newlines > 1 ? "\n\n" : "\n");
                else if (space)
                    result.Append(' ');
            }
            newlines = 0;
            space = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
