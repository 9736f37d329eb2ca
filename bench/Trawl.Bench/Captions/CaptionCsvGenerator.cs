using System.Globalization;
using System.Text;

namespace Trawl.Bench.Captions;

/// <summary>
/// Writes N synthetic LAION-like caption rows as CSV: id, url, caption, width, height, similarity,
/// category, nsfw. Domains, caption words and categories follow Zipf-like distributions; some
/// captions and URLs hold commas, quotes or a line break so that CSV quoting is exercised.
/// Deterministic for a given seed.
/// </summary>
internal sealed class CaptionCsvGenerator
{
    /// <summary>Distinct values of the category column (when there are at least this many rows).</summary>
    public const int CategoryCount = 1000;

    public const string Header = "id,url,caption,width,height,similarity,category,nsfw";

    private static readonly string[] KnownDomains =
    [
        "i.pinimg.com", "cdn.shopify.com", "images.squarespace-cdn.com", "i.ebayimg.com", "m.media-amazon.com",
        "live.staticflickr.com", "upload.wikimedia.org", "image.shutterstock.com", "thumbs.dreamstime.com",
        "i.etsystatic.com", "res.cloudinary.com", "images-na.ssl-images-amazon.com", "i.ytimg.com",
        "media.istockphoto.com", "ae01.alicdn.com", "static.wixstatic.com", "i0.wp.com", "s3.amazonaws.com",
    ];

    private static readonly int[] Widths = [256, 320, 400, 500, 600, 640, 800, 1000, 1024, 1200, 1280, 1600, 1920];
    private static readonly double[] Aspects = [1.0, 0.75, 0.5625, 1.3333, 0.6667, 1.5, 0.8];

    private readonly Vocabulary _vocabulary;
    private readonly ZipfSampler _words;
    private readonly ZipfSampler _domains;
    private readonly ZipfSampler _categories;
    private readonly string[] _domainNames;
    private readonly ulong _seed;

    public CaptionCsvGenerator(ulong seed)
    {
        _seed = seed;
        _vocabulary = Vocabulary.Create(seed);
        _words = new ZipfSampler(_vocabulary.Count, 1.0);
        _categories = new ZipfSampler(CategoryCount, 1.0);
        _domainNames = MakeDomains(seed, 2000);
        _domains = new ZipfSampler(_domainNames.Length, 1.1);
    }

    public Vocabulary Vocabulary => _vocabulary;

    public ZipfSampler WordDistribution => _words;

    /// <summary>The category value of rank <paramref name="rank"/> (0 = most common).</summary>
    public string Category(int rank) => _vocabulary[Vocabulary.StopWordCount + rank];

    /// <summary>Writes the CSV and returns the words (vocabulary ranks) of some of its captions, spread
    /// evenly over the rows, so that searches can ask for words that occur together.</summary>
    public IReadOnlyList<int[]> Write(string path, long rows, int captionSamples = 500)
    {
        var samples = new List<int[]>(captionSamples);
        long every = Math.Max(1, rows / captionSamples);
        var random = new SplitMix64(_seed);
        var caption = new StringBuilder(512);
        var line = new StringBuilder(1024);
        var words = new List<int>(32);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        writer.Write(Header);
        writer.Write('\n');
        for (long i = 0; i < rows; i++)
        {
            line.Clear();
            line.Append(i + 1).Append(',');
            AppendField(line, MakeUrl(ref random, i));
            line.Append(',');
            MakeCaption(ref random, caption, words);
            AppendField(line, caption.ToString());
            int width = Widths[random.Next(0, Widths.Length)] + random.Next(0, 3) * random.Next(0, 40);
            int height = (int)Math.Round(width * Aspects[random.Next(0, Aspects.Length)]);
            line.Append(',').Append(width).Append(',').Append(height).Append(',');
            double similarity = 0.28 + 0.17 * Math.Pow(random.NextDouble(), 1.5);
            line.Append(similarity.ToString("0.######", CultureInfo.InvariantCulture)).Append(',');
            // The first CategoryCount rows take every category once so that all of them occur.
            int category = i < CategoryCount ? (int)i : _categories.Next(ref random);
            line.Append(Category(category)).Append(',');
            double n = random.NextDouble();
            line.Append(n < 0.9 ? "UNLIKELY" : n < 0.97 ? "UNSURE" : "NSFW").Append('\n');
            writer.Write(line);

            if (i % every == 0 && samples.Count < captionSamples)
                samples.Add(words.ToArray());
        }
        return samples;
    }

    private void MakeCaption(ref SplitMix64 random, StringBuilder caption, List<int> words)
    {
        caption.Clear();
        words.Clear();
        int count = 5 + (int)(25.999 * Math.Pow(random.NextDouble(), 1.6));
        for (int w = 0; w < count; w++)
        {
            int rank = _words.Next(ref random);
            words.Add(rank);
            string word = _vocabulary[rank];
            if (w > 0)
                caption.Append(random.Chance(0.001) ? '\n' : ' ');
            if (random.Chance(0.02))
                caption.Append('"').Append(word).Append('"');
            else if (w == 0 && random.Chance(0.5))
                caption.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            else
                caption.Append(word);
            if (w < count - 1 && random.Chance(0.05))
                caption.Append(',');
        }
    }

    private string MakeUrl(ref SplitMix64 random, long row)
    {
        string domain = _domainNames[_domains.Next(ref random)];
        string transform = random.Chance(0.05) ? "c_fill,w_600,h_400/" : "";
        return $"https://{domain}/{transform}{random.NextUInt64():x16}/{row:x}.jpg";
    }

    private static void AppendField(StringBuilder line, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            line.Append(value);
            return;
        }
        line.Append('"');
        foreach (char c in value)
        {
            if (c == '"')
                line.Append('"');
            line.Append(c);
        }
        line.Append('"');
    }

    private static string[] MakeDomains(ulong seed, int count)
    {
        var random = new SplitMix64(seed ^ 0x646F6DUL);
        var names = new List<string>(KnownDomains);
        var seen = new HashSet<string>(names, StringComparer.Ordinal);
        string[] tlds = ["com", "com", "com", "net", "org", "co.uk", "de", "fr", "jp", "ru"];
        while (names.Count < count)
        {
            string name = "";
            int parts = random.Next(2, 4);
            for (int p = 0; p < parts; p++)
                name += (char)('a' + random.Next(0, 26)) + "" + "aeiou"[random.Next(0, 5)] + (char)('a' + random.Next(0, 26));
            string host = (random.Chance(0.4) ? "cdn." : random.Chance(0.3) ? "img." : "www.") + name + "." + tlds[random.Next(0, tlds.Length)];
            if (seen.Add(host))
                names.Add(host);
        }
        return names.ToArray();
    }
}
