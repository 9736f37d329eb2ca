namespace Trawl.Bench.Captions;

/// <summary>
/// Builds the search workload: a third one-word queries (a content word drawn by its caption
/// frequency), a third two-word queries (two content words of one generated caption), a third
/// quoted two-word phrases (adjacent words of one generated caption, not both function words).
/// Two-word queries and phrases therefore always match at least one row.
/// </summary>
internal static class SearchQueryMix
{
    public static IReadOnlyList<SearchQuery> Create(CaptionCsvGenerator generator, IReadOnlyList<int[]> captions, int count, ulong seed)
    {
        var vocabulary = generator.Vocabulary;
        var random = new SplitMix64(seed);
        var pairs = captions
            .Select(c => c.Where(r => r >= Vocabulary.StopWordCount).Distinct().ToArray())
            .Where(c => c.Length >= 2)
            .ToList();
        var phrases = captions
            .SelectMany(c => c.Zip(c.Skip(1)))
            .Where(p => p.First >= Vocabulary.StopWordCount || p.Second >= Vocabulary.StopWordCount)
            .ToList();
        var queries = new List<SearchQuery>(count);
        for (int i = 0; i < count; i++)
        {
            int kind = i % 3;
            if (kind == 1 && pairs.Count > 0)
            {
                int[] words = pairs[random.Next(0, pairs.Count)];
                int a = random.Next(0, words.Length), b = random.Next(0, words.Length - 1);
                if (b >= a)
                    b++;
                string x = vocabulary[words[a]], y = vocabulary[words[b]];
                queries.Add(new SearchQuery("two-words", x + " " + y, Quote(x) + " " + Quote(y)));
            }
            else if (kind == 2 && phrases.Count > 0)
            {
                var (first, second) = phrases[random.Next(0, phrases.Count)];
                string p = vocabulary[first] + " " + vocabulary[second];
                queries.Add(new SearchQuery("phrase", "\"" + p + "\"", Quote(p)));
            }
            else
            {
                string w = ContentWord(generator, ref random);
                queries.Add(new SearchQuery("word", w, Quote(w)));
            }
        }
        return queries;
    }

    private static string ContentWord(CaptionCsvGenerator generator, ref SplitMix64 random)
    {
        while (true)
        {
            int rank = generator.WordDistribution.Next(ref random);
            if (rank >= Vocabulary.StopWordCount)
                return generator.Vocabulary[rank];
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
