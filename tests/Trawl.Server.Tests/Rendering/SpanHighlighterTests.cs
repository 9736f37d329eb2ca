using System.Text;
using Trawl.Server.Rendering;
using Trawl.Store.Attributes;

namespace Trawl.Server.Tests.Rendering;

public sealed class SpanHighlighterTests
{
    private static string Render(string text, params AttributeSpans.StoredSpan[] spans)
    {
        var sb = new StringBuilder();
        SpanHighlighter.Append(sb, text, spans);
        return sb.ToString();
    }

    [Fact]
    public void Spans_become_marks_with_their_labels_and_every_character_is_encoded()
    {
        string text = "<b>mail</b> me: a@b.c & <script>x</script>";
        int start = text.IndexOf("a@b.c", StringComparison.Ordinal);
        string html = Render(text, new AttributeSpans.StoredSpan("pii_email", start, start + 5, 1.0));
        Assert.Contains("<mark class=\"attr-span\" data-attributes=\"pii_email\" title=\"pii_email 1\">a@b.c<sub class=\"attr-label\">pii_email</sub></mark>", html);
        Assert.StartsWith("&lt;b&gt;mail&lt;/b&gt; me: ", html);
        Assert.EndsWith(" &amp; &lt;script&gt;x&lt;/script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>", html);
    }

    [Fact]
    public void Overlapping_spans_of_different_attributes_split_into_stretches()
    {
        string html = Render("abcdefghij",
            new AttributeSpans.StoredSpan("toxic", 2, 6, 0.9),
            new AttributeSpans.StoredSpan("dup", 4, 8, null));
        Assert.Equal(
            "ab" +
            "<mark class=\"attr-span\" data-attributes=\"toxic\" title=\"toxic 0.9\">cd<sub class=\"attr-label\">toxic</sub></mark>" +
            "<mark class=\"attr-span\" data-attributes=\"toxic dup\" title=\"toxic 0.9; dup\">ef<sub class=\"attr-label\">toxic dup</sub></mark>" +
            "<mark class=\"attr-span\" data-attributes=\"dup\" title=\"dup\">gh<sub class=\"attr-label\">dup</sub></mark>" +
            "ij", html);
    }

    [Fact]
    public void Offsets_count_code_points_so_emoji_and_accents_do_not_shift_spans()
    {
        string text = "🚀 café naïve";
        // Code points: 🚀=0, ' '=1, c=2 ... 'naïve' starts at 7.
        string html = Render(text, new AttributeSpans.StoredSpan("word", 7, 12, null));
        Assert.Contains(">" + Html.Encode("naïve") + "<sub", html);
        Assert.StartsWith(Html.Encode("🚀 café "), html);
    }

    [Fact]
    public void Labels_from_data_are_encoded_too()
    {
        string html = Render("abc", new AttributeSpans.StoredSpan("\"><img src=x>", 0, 1, null));
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&quot;&gt;&lt;img src=x&gt;", html);
    }
}
