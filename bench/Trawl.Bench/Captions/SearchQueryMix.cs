namespace Trawl.Bench.Captions;

/// <summary>
/// Builds the search workload: a third one-word queries, a third two-word queries, a third quoted
/// two-word phrases taken from generated captions. Words are drawn by their caption frequency,
/// function words excluded, so most queries hit a few hundred to a few thousand rows per million
/// and some hit tens of thousands.
/// </summary>
internal static class SearchQueryMix
{
    public static IReadOnlyList<SearchQuery> Create(CaptionCsvGenerator generator, IReadOnlyList<string> phrases, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var usable = phrases.Where(p => p.Split(' ').Any(w => !IsStopWord(generator.Vocabulary, w))).ToList();
        var queries = new List<SearchQuery>(count);
        for (int i = 0; i < count; i++)
        {
            int kind = usable.Count > 0 ? i % 3 : i % 2;
            if (kind == 0)
            {
                string w = ContentWord(generator, ref random);
                queries.Add(new SearchQuery("word", w, Quote(w)));
            }
            else if (kind == 1)
            {
                string a = ContentWord(generator, ref random), b = ContentWord(generator, ref random);
                queries.Add(new SearchQuery("two-words", a + " " + b, Quote(a) + " " + Quote(b)));
            }
            else
            {
                string p = usable[random.Next(0, usable.Count)];
                queries.Add(new SearchQuery("phrase", "\"" + p + "\"", Quote(p)));
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

    private static bool IsStopWord(Vocabulary vocabulary, string word)
    {
        for (int i = 0; i < Vocabulary.StopWordCount; i++)
        {
            if (vocabulary[i] == word)
                return true;
        }
        return false;
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";
}
