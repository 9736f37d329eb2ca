using System.Globalization;
using System.Text;
using Trawl.Formats.NumPy;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;

namespace Trawl.ClickHouse.Tests;

/// <summary>
/// A generated LAION-like dataset: table "laion" (url, caption, NSFW, similarity, width) with NULLs, Unicode, quotes
/// and very long captions, and two 16-d vector sets "image" and "text" (f32), ingested with Trawl's own ingest.
/// </summary>
public sealed class LaionLikeDataset : IDisposable
{
    public const int Rows = 1000, Dimension = 16;
    public const string Table = "laion";
    private static readonly string[] Words = ["cat", "dog", "Fish", "tree", "château", "naïve", "東京", "O'Brien", "\"quoted\"", "back\\slash", "red", "blue"];
    private static readonly string[] Nsfw = ["UNLIKELY", "UNSURE", "NSFW", ""];

    public LaionLikeDataset()
    {
        Folder = Path.Combine(Path.GetTempPath(), "trawl-chds-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
        var rng = new Random(42);
        var csv = new StringBuilder("url,caption,NSFW,similarity,width\n");
        for (int i = 0; i < Rows; i++)
        {
            int words = i % 97 == 0 ? 3000 : 3 + rng.Next(10);
            string caption = string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[rng.Next(Words.Length)]));
            string width = i % 7 == 0 ? "" : (100 + rng.Next(900)).ToString(CultureInfo.InvariantCulture);
            csv.Append(Quote($"https://img{i % 13}.example.com/{i}.jpg")).Append(',').Append(Quote(caption)).Append(',')
                .Append(Nsfw[i % Nsfw.Length]).Append(',')
                .Append((0.2 + rng.NextDouble() * 0.2).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(width).Append('\n');
        }
        string csvPath = Path.Combine(Folder, "metadata_0000.csv");
        File.WriteAllText(csvPath, csv.ToString());
        Image = RandomVectors(rng);
        Text = RandomVectors(rng);
        string img = Path.Combine(Folder, "img_emb_0000.npy"), txt = Path.Combine(Folder, "text_emb_0000.npy");
        NpyFile.Write<float>(img, Image, Rows, Dimension);
        NpyFile.Write<float>(txt, Text, Rows, Dimension);
        DatasetPath = Path.Combine(Folder, "laion.trawl");
        DatasetIngest.Run(DatasetPath, new IngestRequest
        {
            Sources = [csvPath],
            Table = Table,
            SearchColumns = ["caption"],
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["image"] = [img], ["text"] = [txt] },
            VectorType = "f32",
        });
        Dataset = Dataset.Open(DatasetPath);
    }

    public string Folder { get; }
    public string DatasetPath { get; }
    public Dataset Dataset { get; }
    public float[] Image { get; }
    public float[] Text { get; }

    public ReadOnlySpan<float> ImageRow(long i) => Image.AsSpan((int)i * Dimension, Dimension);

    public void Dispose()
    {
        Dataset.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static float[] RandomVectors(Random rng)
    {
        var v = new float[Rows * Dimension];
        for (int i = 0; i < v.Length; i++)
            v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
}
