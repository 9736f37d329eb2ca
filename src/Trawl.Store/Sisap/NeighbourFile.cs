using Trawl.Formats.Hdf5;
using Trawl.Formats.Tables;

namespace Trawl.Store.Sisap;

/// <summary>
/// A gold standard or result file in the challenge's layout: <c>knns</c> (queries × k, 1-based ids, as the
/// Julia writers leave them when h5py reads the file) and <c>dists</c> (queries × k). In memory ids are
/// 0-based (−1 for a missing result); the conversion happens only here, at the file boundary.
/// </summary>
public sealed class NeighbourFile
{
    public required string Path { get; init; }
    public required int Queries { get; init; }
    public required int K { get; init; }
    /// <summary>Queries × K ids, 0-based.</summary>
    public required long[] Ids { get; init; }
    /// <summary>Queries × K distances, or empty when the file has none.</summary>
    public required float[] Distances { get; init; }
    /// <summary>The smallest id stored in the file (1 or more for a well-formed file; 0 suggests 0-based ids).</summary>
    public long SmallestStoredId { get; init; }
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public static NeighbourFile Read(string path, string role)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file ({role})");
        using var file = Hdf5File.Open(path);
        if (!file.HasDataset("knns")) throw new UserErrorException($"{path}: {role} has no 'knns' dataset (datasets: {string.Join(", ", file.Datasets.Select(d => d.Path))})");
        var knns = file.Dataset("knns");
        if (knns.Shape.Length != 2) throw new UserErrorException($"{path}: 'knns' must be 2-D (queries × k), it has shape ({string.Join(", ", knns.Shape)})");
        if (knns.Type.Class != Hdf5TypeClass.Integer) throw new UserErrorException($"{path}: 'knns' holds {knns.Type}, not integer ids");
        if (knns.Shape[0] * knns.Shape[1] > 1L << 28) throw new UserErrorException($"{path}: 'knns' is too large ({knns.Shape[0]} × {knns.Shape[1]})");
        long[] stored = knns.ReadAllAsInt64();
        long smallest = stored.Length == 0 ? 1 : stored.Min();
        var ids = new long[stored.Length];
        for (int i = 0; i < stored.Length; i++) ids[i] = stored[i] - 1;
        float[] dists = [];
        if (file.HasDataset("dists"))
        {
            var d = file.Dataset("dists");
            if (d.Shape.SequenceEqual(knns.Shape))
                dists = d.ReadAllAsDouble().Select(v => (float)v).ToArray();
        }
        return new NeighbourFile
        {
            Path = path,
            Queries = (int)knns.Shape[0],
            K = (int)knns.Shape[1],
            Ids = ids,
            Distances = dists,
            SmallestStoredId = smallest,
            Attributes = file.Attributes.ToDictionary(a => a.Name, a => a.Display()),
        };
    }

    /// <summary>Writes <c>knns</c> (int32, 1-based; a missing result is 0) and <c>dists</c> (float32) with root attributes.</summary>
    public static void Write(string path, long[] ids, float[] distances, int queries, int k, IEnumerable<KeyValuePair<string, object>> attributes)
    {
        if (ids.Length != (long)queries * k || distances.Length != ids.Length) throw new ArgumentException("ids and distances must be queries × k");
        using var w = Hdf5Writer.Create(path);
        foreach (var (name, value) in attributes)
        {
            switch (value)
            {
                case string s: w.SetAttribute(name, s); break;
                case int i: w.SetAttribute(name, (long)i); break;
                case long l: w.SetAttribute(name, l); break;
                case double d: w.SetAttribute(name, d); break;
                default: w.SetAttribute(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""); break;
            }
        }
        var oneBased = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++) oneBased[i] = ids[i] < 0 ? 0 : checked((int)(ids[i] + 1));
        w.AddDataset("knns", Hdf5DataType.Int32, k).Append<int>(oneBased);
        w.AddDataset("dists", Hdf5DataType.Float32, k).Append<float>(distances);
        w.Complete();
    }
}
