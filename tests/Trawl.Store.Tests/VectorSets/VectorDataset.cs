using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Tests.VectorSets;

/// <summary>A generated table (800 rows, captions searchable) with vector sets: "emb" (f32, inner product),
/// "half" (f16, cosine, same vectors) and "dups" (f32, every row of a group of 4 nearly the same vector).</summary>
public sealed class VectorDataset : IDisposable
{
    public const int Count = 800, Dimension = 24;
    public const string Table = "items";

    public VectorDataset()
    {
        Rows = new GeneratedRows(Count);
        string csv = CsvFile.Write(Temp.File(Table + ".csv"), GeneratedRows.Header, Rows.Rows);
        string dir = Temp.Dataset();
        DatasetIngest.Run(dir, new IngestRequest { Sources = [csv], Table = Table, SearchColumns = ["caption"] });

        var rng = new Random(11);
        Vectors = new float[Count * Dimension];
        for (int i = 0; i < Vectors.Length; i++)
            Vectors[i] = (float)(rng.NextDouble() * 2 - 1);
        Duplicates = new float[Count * Dimension];
        for (int i = 0; i < Count; i++)
        {
            for (int d = 0; d < Dimension; d++)
                Duplicates[i * Dimension + d] = Vectors[(i / 4 * 4) * Dimension + d] + (float)(rng.NextDouble() * 0.01);
        }
        Directory.CreateDirectory(Path.Combine(dir, "vectors"));
        WriteSet(dir, "emb", VectorElementType.Float32, "f32", "ip", Vectors);
        WriteSet(dir, "half", VectorElementType.Float16, "f16", "cosine", Vectors);
        WriteSet(dir, "dups", VectorElementType.Float32, "f32", "ip", Duplicates);
        Dataset = Dataset.Open(dir);
    }

    private static void WriteSet(string dir, string name, VectorElementType type, string typeName, string metric, float[] data)
    {
        string file = $"vectors/{name}.{typeName}";
        using (var writer = VectorSetWriter.Create(Path.Combine(dir, file), type, Dimension))
        {
            writer.Append(data);
            writer.Complete();
        }
        VectorRegistryRow.Write(dir, name, Table, file, typeName, Dimension, Count, metric);
    }

    public TempDir Temp { get; } = new();
    public GeneratedRows Rows { get; }
    public float[] Vectors { get; }
    public float[] Duplicates { get; }
    public Dataset Dataset { get; }

    public ReadOnlySpan<float> Row(long i) => Vectors.AsSpan((int)i * Dimension, Dimension);

    public void Dispose()
    {
        Dataset.Dispose();
        Temp.Dispose();
    }
}
