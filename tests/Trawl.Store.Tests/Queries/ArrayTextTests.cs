using Trawl.Store.Queries;

namespace Trawl.Store.Tests.Queries;

public sealed class ArrayTextTests
{
    [Theory]
    [InlineData("['amateur recording', 'e-guitar']", "amateur recording|e-guitar")]
    [InlineData("[\"men's voice\", 'low quality']", "men's voice|low quality")]
    [InlineData("['it\\'s fine', \"say \\\"hi\\\"\"]", "it's fine|say \"hi\"")]
    [InlineData("[\"a\", 1, 2.5, true, null]", "a|1|2.5|true")]
    [InlineData("['a', None, False,]", "a|False")]
    [InlineData("  [ ]  ", "")]
    [InlineData("['x', ['nested', ']'], 'y']", "x|y")]
    [InlineData("['caf\\u00e9']", "café")]
    public void Elements_of_JSON_arrays_and_Python_lists(string text, string expected) =>
        Assert.Equal(expected, string.Join("|", ArrayText.Elements(text)!));

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("['unclosed")]
    [InlineData("['a', 'b'")]
    [InlineData("['a' 'b']")]
    [InlineData("['a'] trailing")]
    [InlineData("[bareword]")]
    [InlineData("{\"a\": 1}")]
    public void Text_that_is_not_one_list_has_no_elements(string text) => Assert.Null(ArrayText.Elements(text));

    [Fact]
    public void MusicCaps_aspect_list_with_apostrophes_contains_its_values()
    {
        // Shaped like the 107 MusicCaps rows json_each fails on.
        string cell = "['low quality', \"children's song\", 'female vocal']";
        Assert.True(ArrayText.Contains(cell, "children's song"));
        Assert.False(ArrayText.Contains(cell, "children"));
        Assert.False(ArrayText.Contains(null, "low quality"));
    }
}
