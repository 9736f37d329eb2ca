using System.Text;
using Trawl.Bench.Captions;

namespace Trawl.Bench.Append;

/// <summary>
/// Writes WebVid-like rows as CSV: videoid, contentUrl, duration, page_dir, name (a stock-footage caption of
/// 4–20 Zipf-distributed words). Rows are numbered from a first index, so the base file and the appended parts
/// continue each other; deterministic for a seed and index.
/// </summary>
internal sealed class WebVidCsvGenerator
{
    public const string Header = "videoid,contentUrl,duration,page_dir,name";

    private readonly ulong _seed;
    private readonly Vocabulary _vocabulary;
    private readonly ZipfSampler _words;

    public WebVidCsvGenerator(ulong seed)
    {
        _seed = seed;
        _vocabulary = Vocabulary.Create(seed);
        _words = new ZipfSampler(_vocabulary.Count, 1.0);
    }

    public void Write(string path, long firstRow, long rows)
    {
        var random = new SplitMix64(_seed ^ (ulong)firstRow * 0x9E3779B97F4A7C15UL);
        var line = new StringBuilder(512);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        writer.Write(Header);
        writer.Write('\n');
        for (long i = firstRow; i < firstRow + rows; i++)
        {
            line.Clear();
            long videoid = 1_000_000 + i * 7;
            int words = 4 + (int)(16.999 * Math.Pow(random.NextDouble(), 1.8));
            line.Append(videoid).Append(",https://ak.picdn.net/shutterstock/videos/").Append(videoid).Append("/preview/stock-footage-");
            int nameStart = line.Length;
            for (int w = 0; w < words; w++)
            {
                if (w > 0) line.Append(' ');
                line.Append(_vocabulary[_words.Next(ref random)]);
            }
            string name = line.ToString(nameStart, line.Length - nameStart);
            line.Length = nameStart;
            line.Append(name.Replace(' ', '-')).Append(".mp4,");
            int seconds = 5 + random.Next(0, 55);
            line.Append("PT00H00M").Append(seconds.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).Append("S,");
            long dir = i / 50 * 50;
            line.Append((dir + 1).ToString("000000", System.Globalization.CultureInfo.InvariantCulture)).Append('_')
                .Append((dir + 50).ToString("000000", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
            line.Append(name).Append('\n');
            writer.Write(line);
        }
    }
}
