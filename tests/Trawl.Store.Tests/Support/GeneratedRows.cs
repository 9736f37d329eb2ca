namespace Trawl.Store.Tests.Support;

/// <summary>A deterministic generated table the query tests check against with LINQ.</summary>
public sealed class GeneratedRows
{
    public static readonly string[] Header = ["id", "caption", "category", "score", "rating", "url", "code"];
    public static readonly string[] Words =
    [
        "cat", "dog", "beach", "sunset", "guitar", "piano", "red", "blue", "AND", "OR", "NOT", "Dwayne", "Johnson",
        "café", "naïve", "portrait", "mountain", "river", "night", "city", "drums", "violin", "forest", "snow",
    ];
    public static readonly string[] Categories = ["alpha", "beta", "gamma", "delta", "epsilon"];

    public GeneratedRows(int count, int seed = 7)
    {
        var rng = new Random(seed);
        var rows = new List<object?[]>();
        for (int i = 0; i < count; i++)
        {
            int words = 3 + rng.Next(8);
            var caption = string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[rng.Next(Words.Length)]));
            if (i % 97 == 0)
                caption += " Dwayne 'The Rock' Johnson";
            string? category = i % 13 == 0 ? null : Categories[rng.Next(Categories.Length)];
            long? score = i % 11 == 0 ? null : rng.Next(-50, 200);
            double rating = Math.Round(rng.NextDouble() * 5, 3);
            string url = i % 3 == 0 ? $"https://www.Example{i % 7}.com/img/{i}.jpg" : $"http://cdn{i % 4}.pics.net:8080/p/{i}.png?x=1";
            string code = i.ToString("D5"); // leading zeros: must stay text
            rows.Add([(long)i, caption, category, score, rating, url, code]);
        }
        Rows = rows;
    }

    public IReadOnlyList<object?[]> Rows { get; }

    public static bool HasWord(string caption, string word) =>
        caption.Split(' ', '\'').Any(w => w.Equals(word, StringComparison.OrdinalIgnoreCase));
}
