using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;
using Trawl.Vectors.Duplicates;

namespace Trawl.Store.Tests.Duplicates;

/// <summary>
/// A dataset "items" (id, caption, score) with an "emb" vector set in which some rows are noisy copies of
/// earlier rows (cosine about 0.98) and the rest random; captions of copies are the source's with one word
/// changed. <see cref="Clusters"/> is the oracle: cluster root (smallest row) of every row by exact pairs.
/// </summary>
public sealed class DuplicateDataset : IDisposable
{
    public const int Dim = 32;

    public DuplicateDataset(int rows = 1500, int seed = 11, double copyFraction = 0.1, Action<float[]>? edit = null)
    {
        Rows = rows;
        Path = Temp.Dataset();
        var random = new Random(seed);
        Vectors = new float[rows * Dim];
        var captions = new string[rows];
        var lines = new List<object?[]>();
        for (int r = 0; r < rows; r++)
        {
            if (r > 0 && random.NextDouble() < copyFraction)
            {
                int source = random.Next(r);
                for (int d = 0; d < Dim; d++) Vectors[r * Dim + d] = Vectors[source * Dim + d] + (float)(Gaussian(random) * 0.02);
                var words = captions[source].Split(' ');
                words[random.Next(words.Length)] = "edited";
                captions[r] = string.Join(' ', words);
            }
            else
            {
                for (int d = 0; d < Dim; d++) Vectors[r * Dim + d] = (float)Gaussian(random) / MathF.Sqrt(Dim);
                captions[r] = string.Join(' ', Enumerable.Range(0, 30).Select(_ => "w" + random.Next(100_000)));
            }
            lines.Add([r, captions[r], random.Next(1000)]);
        }
        Scores = lines.Select(l => (int)l[2]!).ToArray();
        string csv = CsvFile.Write(Temp.File("items_0.csv"), ["id", "caption", "score"], lines);
        string npy = Temp.File("emb_0.npy");
        NpyFile.Write<float>(npy, Vectors, rows, Dim);
        DatasetIngest.Run(Path, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [npy] },
            Mode = IngestMode.Create,
        });
        if (edit is not null) EditVectorFile(edit);
    }

    /// <summary>Changes the stored vectors behind the ingest's back (ingest refuses NaN, so a corrupt set is made this way).</summary>
    private void EditVectorFile(Action<float[]> edit)
    {
        string file = Directory.GetFiles(System.IO.Path.Combine(Path, "vectors")).Single();
        long offset;
        bool half;
        using (var set = Trawl.Vectors.Storage.VectorSetFile.Open(file))
        {
            offset = set.Header.DataOffset;
            half = set.Header.ElementType == Trawl.Vectors.VectorElementType.Float16;
        }
        var copy = (float[])Vectors.Clone();
        edit(copy);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i].Equals(Vectors[i])) continue;
            stream.Position = offset + (long)i * (half ? 2 : 4);
            if (half) stream.Write(BitConverter.GetBytes((Half)copy[i]));
            else stream.Write(BitConverter.GetBytes(copy[i]));
        }
    }

    public TempDir Temp { get; } = new();
    public string Path { get; }
    public int Rows { get; }
    public float[] Vectors { get; }
    public int[] Scores { get; }

    /// <summary>Cluster root of each row from every pair with cosine ≥ threshold (double precision).</summary>
    public int[] Clusters(double threshold)
    {
        var norms = new double[Rows];
        for (int r = 0; r < Rows; r++)
        {
            double s = 0;
            for (int d = 0; d < Dim; d++) s += (double)Vectors[r * Dim + d] * Vectors[r * Dim + d];
            norms[r] = Math.Sqrt(s);
        }
        var uf = new UnionFind(Rows);
        for (int i = 0; i < Rows; i++)
            for (int j = i + 1; j < Rows; j++)
            {
                double dot = 0;
                for (int d = 0; d < Dim; d++) dot += (double)Vectors[i * Dim + d] * Vectors[j * Dim + d];
                if (dot / (norms[i] * norms[j]) >= threshold) uf.Union(i, j);
            }
        return Enumerable.Range(0, Rows).Select(uf.Find).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public void Dispose() => Temp.Dispose();
}
