using System.Globalization;
using System.IO.Compression;
using System.Text;
using static Trawl.Cli.Demo.DemoVocabulary;

namespace Trawl.Cli.Demo;

/// <summary>
/// Generates a LAION-like sample: SAMPLE_ID, URL, TEXT, WIDTH, HEIGHT, LICENSE, NSFW, similarity.
/// Captions describe products, stock photos, art "by" artist-like names, places and animals; URLs
/// spread over about 1,000 domains with a Zipf-like skew (i.pinimg.com first); NSFW tags and CLIP
/// similarities follow LAION's proportions; a few hostile values (script tags, a javascript: URL,
/// terminal escapes) and exact duplicates are planted so safety features and dedupe have work to do.
/// The same seed gives the same rows.
/// </summary>
internal sealed class DemoDataGenerator
{
    public static readonly IReadOnlyList<string> Columns = ["SAMPLE_ID", "URL", "TEXT", "WIDTH", "HEIGHT", "LICENSE", "NSFW", "similarity"];

    /// <summary>Share of rows tagged UNLIKELY, UNSURE and NSFW (the rest), roughly as in LAION-400M.</summary>
    public const double UnlikelyShare = 0.88, UnsureShare = 0.09;

    /// <summary>Share of rows that repeat an earlier row's URL and TEXT.</summary>
    public const double DuplicateShare = 0.005;

    public const double MinSimilarity = 0.28, MaxSimilarity = 0.45;

    /// <summary>Domains generated in all; ranks follow a Zipf law with this exponent.</summary>
    public const int DomainCount = 1000;
    private const double DomainSkew = 1.05;
    private const int ArtistCount = 240;

    /// <summary>Rows (0-based) that carry hostile values, and what they carry.</summary>
    internal static readonly IReadOnlyDictionary<int, (string? Url, string? Text)> HostileRows = new Dictionary<int, (string?, string?)>
    {
        [3] = (null, "Cute cat <script>alert(1)</script> sleeping on a sofa"),
        [11] = ("javascript:alert(document.cookie)", "Click here for a free vintage poster"),
        [17] = (null, "\"><img src=x onerror=alert(1)> Vintage travel poster of Zürich"),
        [23] = ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "Golden retriever puppy in the snow"),
        [29] = (null, "Say \"cheese\",\nsmiling corgi, line two; commas, quotes"),
        [31] = (null, "Red \u001b[31m terminal \u001b[0m escape in a caption"),
    };

    private readonly ZipfTable _domainRanks = new(DomainCount, DomainSkew);
    private readonly ZipfTable _artistRanks = new(ArtistCount, 0.9);
    private readonly string[] _domains;
    private readonly string[] _artists;
    private readonly (string Url, string Text)[] _recent = new (string, string)[1024];
    private readonly StringBuilder _sb = new(512);
    private DemoRandom _random;
    private long _nextId;
    private int _row;

    public DemoDataGenerator(long seed)
    {
        _random = new DemoRandom(seed);
        _nextId = 1_000_000_000L + _random.Next(1_000_000);
        // Names come from a fixed seed so every dataset shares the same domains and artists.
        var names = new DemoRandom(20_220_331);
        _domains = BuildDomains(ref names);
        _artists = BuildArtists(ref names);
    }

    /// <summary>All domains, most common first.</summary>
    public IReadOnlyList<string> Domains => _domains;

    public IEnumerable<DemoRow> Generate(int rows)
    {
        for (int i = 0; i < rows; i++)
            yield return Next();
    }

    public DemoRow Next()
    {
        int row = _row++;
        long id = _nextId;
        _nextId += 1 + _random.Next(40);

        string url, text;
        if (row >= _recent.Length && _random.Chance(DuplicateShare))
        {
            (url, text) = _recent[_random.Next(_recent.Length)];
        }
        else
        {
            text = Caption();
            url = Url(_domains[_domainRanks.Sample(ref _random)], text);
        }
        if (HostileRows.TryGetValue(row, out var hostile))
        {
            url = hostile.Url ?? url;
            text = hostile.Text ?? text;
        }
        _recent[row % _recent.Length] = (url, text);

        int? width = null, height = null;
        if (!_random.Chance(0.01))
        {
            width = _random.Pick(Widths);
            height = Math.Max(1, (int)Math.Round(width.Value / _random.Pick(Aspects)));
        }
        string license = _random.Chance(0.95) ? "?" : _random.Pick(Licenses);
        double tag = _random.NextDouble();
        string nsfw = tag < UnlikelyShare ? "UNLIKELY" : tag < UnlikelyShare + UnsureShare ? "UNSURE" : "NSFW";
        // The smaller of two uniforms: most pairs sit just above LAION's cut-off, fewer score high.
        double u = Math.Min(_random.NextDouble(), _random.NextDouble());
        double similarity = Math.Round(MinSimilarity + (MaxSimilarity - MinSimilarity) * u, 6);
        return new DemoRow(id, url, text, width, height, license, nsfw, similarity);
    }

    /// <summary>Writes <paramref name="rows"/> rows as CSV with a header (gzip when the path ends in .gz).</summary>
    public static void WriteCsv(string path, int rows, long seed)
    {
        using Stream file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionLevel.Fastest)
            : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        WriteCsv(writer, rows, seed);
    }

    public static void WriteCsv(TextWriter writer, int rows, long seed)
    {
        var generator = new DemoDataGenerator(seed);
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        var c = CultureInfo.InvariantCulture;
        foreach (DemoRow r in generator.Generate(rows))
        {
            writer.Write(r.SampleId.ToString(c));
            writer.Write(',');
            WriteField(writer, r.Url);
            writer.Write(',');
            WriteField(writer, r.Text);
            writer.Write(',');
            if (r.Width is { } w) writer.Write(w.ToString(c));
            writer.Write(',');
            if (r.Height is { } h) writer.Write(h.ToString(c));
            writer.Write(',');
            WriteField(writer, r.License);
            writer.Write(',');
            writer.Write(r.Nsfw);
            writer.Write(',');
            writer.Write(r.Similarity.ToString("0.######", c));
            writer.Write('\n');
        }
    }

    private static void WriteField(TextWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    private string Caption()
    {
        _sb.Clear();
        double kind = _random.NextDouble();
        if (kind < 0.28) Product();
        else if (kind < 0.42) StockPhoto();
        else if (kind < 0.58) Art();
        else if (kind < 0.71) Place();
        else if (kind < 0.84) Animal();
        else if (kind < 0.94) HomeAndFood();
        else Junk();
        // A long tail of longer captions, as scraped alt texts run on.
        if (_sb.Length > 8 && _random.Chance(0.12))
            _sb.Append(_random.Chance(0.5) ? ". " : " - ").Append(_random.Pick(ArtModifiers)).Append(", ").Append(_random.Pick(Settings));
        return _sb.ToString();
    }

    private void Product()
    {
        if (_random.Chance(0.6)) _sb.Append(_random.Pick(ProductAdjectives)).Append(' ');
        if (_random.Chance(0.7)) _sb.Append(_random.Pick(Colors)).Append(' ');
        if (_random.Chance(0.5)) _sb.Append(_random.Pick(Materials)).Append(' ');
        _sb.Append(_random.Pick(Products)).Append(_random.Pick(ProductSuffixes));
        if (_random.Chance(0.15)) _sb.Append(" | $").Append(_random.Next(200) + 4).Append(".99");
    }

    private void StockPhoto()
    {
        if (_random.Chance(0.3)) _sb.Append("Portrait of a ");
        else _sb.Append(_random.Chance(0.5) ? "A " : "");
        _sb.Append(_random.Pick(People)).Append(' ').Append(_random.Pick(Actions)).Append(' ').Append(_random.Pick(Settings));
        if (_random.Chance(0.5)) _sb.Append(_random.Chance(0.5) ? " stock photo" : " - stock image");
    }

    private void Art()
    {
        string artist = _artists[_artistRanks.Sample(ref _random)];
        if (_random.Chance(0.3))
        {
            _sb.Append(artist).Append(" - ").Append(Capitalize(_random.Pick(ArtSubjects))).Append(", ").Append(_random.Pick(ArtStyles));
            if (_random.Chance(0.4)) _sb.Append(", ").Append(1850 + _random.Next(170));
            return;
        }
        _sb.Append(_random.Pick(ArtSubjects)).Append(", ").Append(_random.Pick(ArtStyles)).Append(" by ").Append(artist);
        int extras = _random.Next(4);
        for (int i = 0; i < extras; i++)
            _sb.Append(", ").Append(_random.Pick(ArtModifiers));
    }

    private void Place()
    {
        _sb.Append(_random.Pick(Scenes)).Append(" in ").Append(_random.Pick(Places));
        if (_random.Chance(0.3)) _sb.Append(" - travel photography");
    }

    private void Animal()
    {
        _sb.Append(_random.Chance(0.5) ? "A " : "").Append(_random.Pick(Animals)).Append(' ').Append(_random.Pick(AnimalActions));
        if (_random.Chance(0.2)) _sb.Append(" in ").Append(_random.Pick(Places));
    }

    private void HomeAndFood()
    {
        if (_random.Chance(0.5))
            _sb.Append(5 + _random.Next(40)).Append(' ').Append(_random.Pick(ProductAdjectives)).Append(' ')
                .Append(_random.Pick(Rooms)).Append(" ideas for ").Append(2015 + _random.Next(8));
        else
            _sb.Append(_random.Chance(0.5) ? "Easy " : "The best ").Append(_random.Pick(Foods)).Append(" recipe");
    }

    private void Junk()
    {
        switch (_random.Next(4))
        {
            case 0: _sb.Append("IMG_").Append(1000 + _random.Next(9000)).Append(".JPG"); break;
            case 1: _sb.Append("DSC0").Append(1000 + _random.Next(9000)); break;
            case 2: _sb.Append(_random.Pick(Products)); break;
            default: _sb.Append("image"); break;
        }
    }

    private string Url(string domain, string text)
    {
        var sb = new StringBuilder(160);
        sb.Append(_random.Chance(0.1) ? "http://" : "https://").Append(domain).Append('/');
        switch (domain)
        {
            case "i.pinimg.com":
                string hex = Hex(32);
                sb.Append(_random.Pick(["236x", "474x", "564x", "originals"])).Append('/')
                    .Append(hex, 0, 2).Append('/').Append(hex, 2, 2).Append('/').Append(hex, 4, 2).Append('/').Append(hex).Append(".jpg");
                return sb.ToString();
            case "cdn.shopify.com":
                sb.Append("s/files/1/").Append(_random.Next(9000) + 1000).Append('/').Append(_random.Next(9000) + 1000)
                    .Append("/products/").Append(Slug(text)).Append("_1024x1024.").Append(Extension())
                    .Append("?v=").Append(1_500_000_000 + _random.Next(200_000_000));
                return sb.ToString();
            case "images.squarespace-cdn.com":
                sb.Append("content/v1/").Append(Hex(24)).Append('/').Append(1_500_000_000_000L + _random.Next(int.MaxValue))
                    .Append('-').Append(Hex(20)).Append('/').Append(Slug(text)).Append('.').Append(Extension());
                return sb.ToString();
            case "i.ebayimg.com":
                sb.Append("images/g/").Append(Hex(16)).Append("/s-l").Append(_random.Pick(["300", "500", "1600"])).Append(".jpg");
                return sb.ToString();
            default:
                sb.Append(_random.Pick(UrlFolders)).Append('/');
                if (_random.Chance(0.5))
                    sb.Append(2012 + _random.Next(10)).Append('/').Append((_random.Next(12) + 1).ToString("00", CultureInfo.InvariantCulture)).Append('/');
                sb.Append(Slug(text)).Append('-').Append(_random.Next(100_000)).Append('.').Append(Extension());
                return sb.ToString();
        }
    }

    private string Extension()
    {
        double x = _random.NextDouble();
        return x < 0.70 ? "jpg" : x < 0.78 ? "jpeg" : x < 0.93 ? "png" : x < 0.97 ? "webp" : "gif";
    }

    private string Hex(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (int i = 0; i < length; i++)
            chars[i] = "0123456789abcdef"[_random.Next(16)];
        return new string(chars);
    }

    /// <summary>A URL path segment from a caption: ASCII letters and digits joined by '-'.</summary>
    private static string Slug(string text)
    {
        Span<char> chars = stackalloc char[48];
        int n = 0;
        bool dash = false;
        foreach (char ch in text)
        {
            if (n >= chars.Length - 1)
                break;
            if (char.IsAsciiLetterOrDigit(ch))
            {
                if (dash && n > 0)
                    chars[n++] = '-';
                chars[n++] = char.ToLowerInvariant(ch);
                dash = false;
            }
            else
            {
                dash = true;
            }
        }
        return n == 0 ? "image" : new string(chars[..n]);
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string[] BuildDomains(ref DemoRandom random)
    {
        var domains = new List<string>(TopDomains);
        var seen = new HashSet<string>(domains, StringComparer.Ordinal);
        while (domains.Count < DomainCount)
        {
            string name = random.Pick(DomainPrefixes) + random.Pick(DomainWords) + (random.Chance(0.5) ? "-" : "")
                + random.Pick(DomainWords) + random.Pick(DomainSuffixes);
            if (seen.Add(name))
                domains.Add(name);
        }
        return domains.ToArray();
    }

    private static string[] BuildArtists(ref DemoRandom random)
    {
        var artists = new List<string>(ArtistCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (artists.Count < ArtistCount)
        {
            string name = random.Pick(FirstNames) + " " + random.Pick(Surnames);
            if (seen.Add(name))
                artists.Add(name);
        }
        return artists.ToArray();
    }
}
