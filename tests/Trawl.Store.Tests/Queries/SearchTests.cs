using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

public sealed class SearchTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    private long Count(string search, SearchMode mode = SearchMode.Plain) =>
        data.Dataset.CountRows(new TableQuery { Table = "items", Search = search, SearchMode = mode });

    private long Expected(params string[] words) =>
        data.Rows.Rows.Count(r => words.All(w => GeneratedRows.HasWord(Fold((string)r[1]!), Fold(w))));

    // unicode61 with remove_diacritics folds "café" to "cafe".
    private static string Fold(string s) => s.Replace('é', 'e').Replace('ï', 'i');

    [Fact]
    public void Plain_search_matches_all_words_case_insensitively()
    {
        Assert.True(Expected("cat") > 0);
        Assert.Equal(Expected("cat"), Count("cat"));
        Assert.Equal(Expected("CAT", "beach"), Count("CAT beach"));
    }

    [Fact]
    public void Search_escapes_fts_syntax_in_names_with_quotes()
    {
        Assert.Equal(Expected("Dwayne", "The", "Rock", "Johnson"), Count("Dwayne 'The Rock' Johnson"));
        Assert.True(Count("Dwayne 'The Rock' Johnson") >= 2000 / 97);
    }

    [Theory]
    [InlineData("AND")]
    [InlineData("OR")]
    [InlineData("NOT")]
    public void Search_treats_fts_operators_as_plain_words(string word)
    {
        Assert.True(Expected(word) > 0);
        Assert.Equal(Expected(word), Count(word));
        Assert.Equal(Expected("cat", word), Count("cat " + word));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("*")]
    [InlineData("-")]
    [InlineData("cat*")]
    [InlineData("-dog")]
    [InlineData("cat -dog")]
    [InlineData("\"cat")]
    [InlineData("caption:cat")]
    [InlineData("NEAR(cat dog)")]
    [InlineData("^cat")]
    public void Search_with_fts_punctuation_never_fails(string text)
    {
        var page = data.Dataset.QueryRows(new TableQuery { Table = "items", Search = text });
        Assert.True(page.Count >= 0);
    }

    [Fact]
    public void Punctuation_around_words_is_ignored_like_the_tokenizer_does()
    {
        Assert.Equal(Expected("cat"), Count("cat*"));
        Assert.Equal(Expected("dog"), Count("-dog"));
        Assert.Equal(Expected("cat", "dog"), Count("cat -dog"));
        Assert.Equal(Expected("caption", "cat"), Count("caption:cat"));
        Assert.Equal(0, Count("*"));
    }

    [Fact]
    public void A_quoted_phrase_stays_a_phrase()
    {
        long phrase = Count("\"Dwayne 'The Rock' Johnson\"");
        long rows = data.Rows.Rows.Count(r => ((string)r[1]!).Contains("Dwayne 'The Rock' Johnson", StringComparison.Ordinal));
        Assert.True(rows > 0);
        Assert.True(phrase >= rows);
        Assert.True(phrase <= Count("Dwayne The Rock Johnson"));
        // Word order matters inside a phrase.
        Assert.True(Count("\"Johnson Rock The Dwayne\"") < phrase);
    }

    [Fact]
    public void Diacritics_are_folded()
    {
        Assert.True(Expected("cafe") > 0);
        Assert.Equal(Expected("cafe"), Count("cafe"));
        Assert.Equal(Expected("cafe"), Count("café"));
    }

    [Fact]
    public void Raw_mode_passes_fts_syntax()
    {
        long either = data.Rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "cat") || GeneratedRows.HasWord((string)r[1]!, "dog"));
        Assert.Equal(either, Count("cat OR dog", SearchMode.Raw));
        Assert.Equal(data.Rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "cat") && !GeneratedRows.HasWord((string)r[1]!, "dog")),
            Count("cat NOT dog", SearchMode.Raw));
    }

    [Theory]
    [InlineData("cat AND")]
    [InlineData("\"unclosed")]
    [InlineData("(cat")]
    [InlineData("nosuchcolumn:cat")]
    public void Raw_mode_syntax_error_is_a_user_error(string text)
    {
        var e = Assert.Throws<UserErrorException>(() => Count(text, SearchMode.Raw));
        Assert.Contains("search", e.Message);
        Assert.Throws<UserErrorException>(() => data.Dataset.QueryRows(new TableQuery { Table = "items", Search = text, SearchMode = SearchMode.Raw }));
    }

    [Fact]
    public void Search_results_without_sort_pages_cover_every_match_once()
    {
        var seen = new List<long>();
        string? next = null;
        do
        {
            var page = data.Dataset.QueryRows(new TableQuery { Table = "items", Search = "cat", Size = 37, Next = next });
            Assert.Equal(Expected("cat"), page.Count);
            seen.AddRange(page.Rows.Select(r => (long)r[0]!));
            next = page.Next;
        } while (next is not null);
        Assert.Equal(Expected("cat"), seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void Search_combines_with_filters_and_sort()
    {
        var q = new TableQuery
        {
            Table = "items", Search = "beach", Filters = [new ColumnFilter("category", FilterOp.Exact, "alpha")], Sort = "score",
        };
        var rows = data.Dataset.StreamRows(q, out _).ToList();
        var expected = data.Rows.Rows.Where(r => GeneratedRows.HasWord((string)r[1]!, "beach") && (string?)r[2] == "alpha")
            .OrderBy(r => r[3] is null ? long.MinValue : (long)r[3]!).ThenBy(r => (long)r[0]!).Select(r => (long)r[0]!).ToList();
        Assert.True(expected.Count > 0);
        Assert.Equal(expected, rows.Select(r => (long)r[1]!));
    }
}
