using System.Globalization;
using System.Text;

namespace Trawl.Bench.Engine;

/// <summary>
/// A WebVid-like CSV (videoid, contentUrl, duration, page_dir, name) with three marker words in the captions at
/// known rates: "aerial" in ~60 % of rows, "woman" in ~8 %, "forest" in ~0.3 %; the rest are Zipf-ish filler words.
/// Deterministic for a given row count.
/// </summary>
internal static class WebVidCsvGenerator
{
    public static readonly (string Word, double Rate)[] Markers = [("aerial", 0.60), ("woman", 0.08), ("forest", 0.003)];

    private static readonly string[] Filler =
    [
        "view", "of", "the", "city", "at", "night", "beautiful", "sunset", "over", "sea", "man", "walking", "on", "street",
        "slow", "motion", "close", "up", "young", "business", "people", "working", "office", "nature", "background", "water",
        "river", "mountain", "sky", "clouds", "timelapse", "drone", "shot", "green", "trees", "summer", "winter", "snow", "car",
        "road", "traffic", "happy", "family", "kids", "playing", "park", "food", "cooking", "kitchen", "abstract", "light",
    ];

    public static void Write(string path, long rows)
    {
        var rng = new Random(20261203);
        string temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write("videoid,contentUrl,duration,page_dir,name\n");
            var sb = new StringBuilder(256);
            for (long i = 0; i < rows; i++)
            {
                sb.Clear();
                long videoid = 1_000_000 + i * 7 + rng.Next(7);
                int duration = 5 + (int)Math.Min(55, -Math.Log(1 - rng.NextDouble()) * 12);
                int dir = (int)Math.Min(4999, -Math.Log(1 - rng.NextDouble()) * 600);
                sb.Append(videoid.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append("https://ak.picdn.net/shutterstock/videos/").Append(videoid.ToString(CultureInfo.InvariantCulture)).Append("/preview/stock-footage.mp4,")
                  .Append(duration.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(dir.ToString("D4", CultureInfo.InvariantCulture)).Append("_").Append(dir % 97).Append("_to_").Append(dir % 89).Append(',');
                int words = 4 + rng.Next(10);
                for (int w = 0; w < words; w++)
                {
                    if (w > 0)
                        sb.Append(' ');
                    sb.Append(Filler[(int)Math.Min(Filler.Length - 1, -Math.Log(1 - rng.NextDouble()) * 10)]);
                }
                foreach (var (word, rate) in Markers)
                {
                    if (rng.NextDouble() < rate)
                        sb.Append(' ').Append(word);
                }
                sb.Append('\n');
                writer.Write(sb);
            }
        }
        File.Move(temp, path, overwrite: true);
    }
}
