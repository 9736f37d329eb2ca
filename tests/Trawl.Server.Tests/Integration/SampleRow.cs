using System.Globalization;
using System.Text;

namespace Trawl.Server.Tests.Integration;

/// <summary>One generated row; tests compute expected answers from these with LINQ. Rowids start at 0, as the store numbers rows.</summary>
internal sealed record SampleRow(long RowId, string Url, string Caption, string Domain, long? Width, double Score, string? Tag)
{
    private static readonly string[] Colors = ["red", "blue", "green", "yellow", "black"];
    private static readonly string[] Animals = ["cat", "dog", "zebra", "otter", "heron", "fox", "owl"];
    private static readonly string[] Places = ["beach", "sofa", "meadow", "roof"];
    private static readonly string[] Domains = ["pinimg.com", "flickr.com", "example.org", "wikimedia.org"];
    private static readonly string[] Tags = ["photo", "drawing", "render"];

    /// <summary>Hostile and awkward values the pages must show as text.</summary>
    public const string ScriptCaption = "<script>alert(1)</script> a red cat";
    public const string QuotedCaption = "he said \"hello, world\" to the blue dog";
    public const string MultiLineCaption = "first line of a green owl\nsecond line";

    /// <param name="imageBase">Where image URLs point ("https://img.example.com" unless a test serves images itself).</param>
    public static IReadOnlyList<SampleRow> Generate(int count, string imageBase = "https://img.example.com")
    {
        var rows = new List<SampleRow>(count);
        for (int i = 1; i <= count; i++)
        {
            string caption = i switch
            {
                3 => ScriptCaption,
                5 => QuotedCaption,
                7 => MultiLineCaption,
                _ => $"a {Colors[i % Colors.Length]} {Animals[(i * 3 + i / 7) % Animals.Length]} on the {Places[i * 3 % Places.Length]} number{i}",
            };
            rows.Add(new SampleRow(
                i - 1,
                $"{imageBase}/{i % 6}.png",
                caption,
                Domains[(i * 7 + i / 3) % Domains.Length],
                i % 11 == 0 ? null : 100 + i % 9 * 50,
                Math.Round(i * 0.37 % 10, 3),
                i % 5 == 0 ? null : Tags[i % Tags.Length]));
        }
        return rows;
    }

    public static void WriteCsv(string path, IReadOnlyList<SampleRow> rows)
    {
        var sb = new StringBuilder("url,caption,domain,width,score,tag\n");
        foreach (var r in rows)
        {
            sb.Append(r.Url).Append(',')
              .Append('"').Append(r.Caption.Replace("\"", "\"\"")).Append("\",")
              .Append(r.Domain).Append(',')
              .Append(r.Width?.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.Score.ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(r.Tag).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }
}
