using System.Globalization;
using System.Text;
using Trawl.Formats.NumPy;

namespace Trawl.Testing.StoreContracts;

/// <summary>
/// The data every backend of the read contracts is tested on, with the plain in-memory answers the suite compares
/// against (the oracle). A backend's fixture loads <see cref="WriteCsv"/> and <see cref="WriteVectors"/> its own way:
/// the CSV into table <see cref="Table"/> with <see cref="SearchColumn"/> searchable, the .npy as vector set
/// <see cref="VectorSet"/> (inner product) so that row i of the file is row position i.
/// </summary>
public sealed class ContractData
{
    public const string Table = "items";
    public const string SearchColumn = "caption";
    public const string VectorSet = "emb";
    public const int Count = 500, Dimension = 16;
    public static readonly IReadOnlyList<string> Header = ["caption", "category", "width", "score"];

    public static readonly string[] Words =
    [
        "cat", "dog", "red", "blue", "sunset", "beach", "portrait", "vintage", "car", "mountain", "river", "city",
        "night", "snow", "forest", "painting", "photo", "girl", "boy", "flower", "garden", "street", "old", "new",
    ];

    /// <summary>Words that test quoting and Unicode end to end (never searched for: FTS5 folds diacritics, other backends may not).</summary>
    public static readonly string[] Special = ["O'Brien", "\"quoted\"", "back\\slash", "château", "東京", "naïve", "semi;colon", "com,ma"];

    public static readonly string[] Categories = ["art", "animals", "cars", "nature", "people", "places"];

    /// <summary>One row: its position, then the four columns (width and score may be null).</summary>
    public sealed record Row(long Position, string Caption, string Category, long? Width, double? Score);

    public static ContractData Instance { get; } = new();

    private ContractData()
    {
        var rng = new Random(20261203);
        var rows = new List<Row>(Count);
        for (int i = 0; i < Count; i++)
        {
            int words = rng.Next(3, 9);
            var caption = string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[Skewed(rng, Words.Length)]));
            string category = Categories[Skewed(rng, Categories.Length)];
            long? width = rng.Next(10) == 0 ? null : rng.Next(100, 2000);
            double? score = rng.Next(8) == 0 ? null : Math.Round(rng.NextDouble() * 10 - 2, 3);
            // Every 37th caption also holds a quote, an apostrophe, a backslash or non-ASCII letters, and one is very long.
            if (i % 37 == 5)
                caption += " " + Special[i / 37 % Special.Length];
            if (i == 123)
                caption = string.Join(' ', Enumerable.Range(0, 4000).Select(_ => Words[rng.Next(Words.Length)])) + " O'Brien";
            rows.Add(new Row(i, caption, category, width, score));
        }
        Rows = rows;
        // Multiples of 1/64 in [-1, 1]: exact in float16 and float32, so every backend stores the same vectors.
        Vectors = new float[Count * Dimension];
        for (int i = 0; i < Vectors.Length; i++)
            Vectors[i] = rng.Next(-64, 65) / 64f;
    }

    public IReadOnlyList<Row> Rows { get; }

    /// <summary>Row-major, <see cref="Count"/> × <see cref="Dimension"/>.</summary>
    public float[] Vectors { get; }

    public ReadOnlySpan<float> Vector(long row) => Vectors.AsSpan((int)row * Dimension, Dimension);

    /// <summary>Low indexes more often (Zipf-like), so facets have a clear order with some ties.</summary>
    private static int Skewed(Random rng, int n) => Math.Min(n - 1, (int)(n * Math.Pow(rng.NextDouble(), 2)));

    public string WriteCsv(string path)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Header)).Append('\n');
        foreach (var r in Rows)
        {
            sb.Append('"').Append(r.Caption.Replace("\"", "\"\"")).Append('"').Append(',').Append(r.Category).Append(',')
              .Append(r.Width?.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.Score?.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return path;
    }

    public string WriteVectors(string path)
    {
        NpyFile.Write<float>(path, Vectors, Count, Dimension);
        return path;
    }

    // ---- the oracle -------------------------------------------------------------------------------------------

    /// <summary>Plain search: every word appears in the caption (as a whole word); a "quoted phrase" appears as consecutive words.</summary>
    public static bool MatchesSearch(Row row, string search)
    {
        var words = row.Caption.Split(' ');
        foreach (var term in Terms(search))
        {
            var parts = term.Split(' ');
            bool found = Enumerable.Range(0, words.Length - parts.Length + 1).Any(i => parts.Select((p, j) => words[i + j] == p).All(b => b));
            if (!found)
                return false;
        }
        return true;
    }

    private static IEnumerable<string> Terms(string search)
    {
        var parts = search.Split('"');
        for (int i = 0; i < parts.Length; i++)
        {
            if (i % 2 == 1)
                yield return parts[i].Trim().ToLowerInvariant();
            else
                foreach (var w in parts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    yield return w.ToLowerInvariant();
        }
    }

    /// <summary>A column's value as the contract returns it: long for width, double for score, string for the rest.</summary>
    public static object? Value(Row row, string column) => column switch
    {
        "rowid" => row.Position,
        "caption" => row.Caption,
        "category" => row.Category,
        "width" => row.Width,
        "score" => row.Score,
        _ => throw new ArgumentException("no column " + column),
    };

    /// <summary>SQL's order of values: NULL first, then numbers, then text (ordinal).</summary>
    public static int CompareValues(object? a, object? b)
    {
        if (a is null || b is null)
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        if (a is string sa && b is string sb)
            return string.CompareOrdinal(sa, sb);
        return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
    }

    /// <summary>Rows in the contract's page order for a sort column: ascending (NULL first), ties by position; descending is the exact reverse.</summary>
    public static IEnumerable<Row> Ordered(IEnumerable<Row> rows, string? sort, bool descending)
    {
        var list = rows.ToList();
        list.Sort((x, y) =>
        {
            int c = sort is null ? 0 : CompareValues(Value(x, sort), Value(y, sort));
            return c != 0 ? c : x.Position.CompareTo(y.Position);
        });
        if (descending)
            list.Reverse();
        return list;
    }

    /// <summary>Inner products of every row with <paramref name="query"/>, in double precision.</summary>
    public double[] InnerProducts(ReadOnlySpan<float> query)
    {
        var scores = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            double s = 0;
            for (int d = 0; d < Dimension; d++)
                s += (double)query[d] * Vectors[i * Dimension + d];
            scores[i] = s;
        }
        return scores;
    }
}
