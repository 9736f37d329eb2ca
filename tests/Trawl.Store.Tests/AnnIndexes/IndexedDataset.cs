using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.AnnIndexes;

/// <summary>A generated dataset of <see cref="Rows"/> rows with an "emb" vector set (f16, inner product) of clustered unit vectors, ingested the normal way.</summary>
public sealed class IndexedDataset : IDisposable
{
    public const int Rows = 6000, Dim = 32;

    public IndexedDataset()
    {
        Path = Temp.Dataset();
        Vectors = ClusteredVectors.Generate(Rows, Dim, seed: 5);
        Ingest(0, Rows, Vectors, IngestMode.Create);
    }

    public TempDir Temp { get; } = new();
    public string Path { get; }
    public float[] Vectors { get; }

    /// <summary>Loads rows first..first+count-1 with the given vectors (Append adds them to the table and the set).</summary>
    public void Ingest(int first, int count, float[] vectors, IngestMode mode)
    {
        var lines = new List<object?[]>();
        for (int i = 0; i < count; i++) lines.Add([first + i, $"caption {first + i}"]);
        string csv = CsvFile.Write(Temp.File($"items_{first}.csv"), ["id", "caption"], lines);
        string npy = Temp.File($"emb_{first}.npy");
        NpyFile.Write<float>(npy, vectors, count, Dim);
        DatasetIngest.Run(Path, new IngestRequest
        {
            Sources = [csv],
            Table = "items",
            Vectors = new Dictionary<string, IReadOnlyList<string>> { ["emb"] = [npy] },
            Mode = mode,
        });
    }

    public void Dispose() => Temp.Dispose();
}
