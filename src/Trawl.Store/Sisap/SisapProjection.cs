using Trawl.Formats.Hdf5;
using Trawl.Vectors;
using Trawl.Vectors.GroundTruth;
using Trawl.Vectors.Pca;
using Trawl.Vectors.Search;
using Trawl.Vectors.Sketches;

namespace Trawl.Store.Sisap;

/// <summary>
/// <c>trawl project</c>: fits a PCA or a binary sketcher on a base, writes the model as HDF5, applies a model to
/// vectors (writing <c>pca{dims}</c> float32 or <c>hamming</c> uint64 words, as the challenge's files hold them),
/// and measures how much recall@k a projection keeps against the original vectors.
/// </summary>
public static class SisapProjection
{
    public enum Kind
    {
        Pca,
        Sketch,
    }

    public sealed record FitReport(string Model, Kind Kind, int InputDimension, int OutputDimension, long TrainRows, double Seconds, double? ExplainedVariance, RecallReport? Recall);

    public sealed record RecallReport(int Queries, int K, double Recall, double ProjectedSearchSeconds, double OriginalSearchSeconds);

    public sealed record ApplyReport(string Path, string Dataset, long Rows, int Dimension);

    public static FitReport FitPca(string trainPath, int dims, long? sample, string modelPath, string? dataset = null, string? queriesPath = null, int k = 10,
        IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        using var train = LoadedVectors.Open(trainPath, "the training vectors", dataset, (d, t) => progress?.Report(new SisapProgress("reading", d, t)), cancel);
        if (dims < 1 || dims > train.Matrix.Dimension) throw new UserErrorException($"--dims must be 1..{train.Matrix.Dimension}, not {dims}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long used = sample is { } s && s < train.Matrix.Rows ? s : train.Matrix.Rows;
        PcaModel model = PcaTrainer.Fit(train.Matrix, dims, sample, progress: done => progress?.Report(new SisapProgress("covariance", done, used)));
        clock.Stop();
        SaveModel(modelPath, model);
        RecallReport? recall = queriesPath is null ? null : Evaluate(new Projector(model, null), train.Matrix, queriesPath, k, progress);
        return new FitReport(Path.GetFullPath(modelPath), Kind.Pca, model.InputDimension, dims, used, clock.Elapsed.TotalSeconds,
            model.TotalVariance > 0 ? model.Variances.Sum() / model.TotalVariance : null, recall);
    }

    public static FitReport FitSketch(string trainPath, int bits, long? sample, int seed, string modelPath, string? dataset = null, string? queriesPath = null, int k = 10,
        IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        if (bits is < 1 or > 65536) throw new UserErrorException($"--bits must be 1..65536, not {bits}");
        using var train = LoadedVectors.Open(trainPath, "the training vectors", dataset, (d, t) => progress?.Report(new SisapProgress("reading", d, t)), cancel);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long used = Math.Min(sample ?? 100_000, train.Matrix.Rows);
        var sketcher = BinarySketcher.Create(train.Matrix, bits, used, seed);
        clock.Stop();
        SaveModel(modelPath, sketcher, seed);
        RecallReport? recall = queriesPath is null ? null : Evaluate(new Projector(null, sketcher), train.Matrix, queriesPath, k, progress);
        return new FitReport(Path.GetFullPath(modelPath), Kind.Sketch, sketcher.InputDimension, bits, used, clock.Elapsed.TotalSeconds, null, recall);
    }

    /// <summary>Applies a model file to the vectors in <paramref name="inPath"/>, writing <paramref name="outPath"/>.</summary>
    public static ApplyReport Apply(string modelPath, string inPath, string outPath, string? dataset = null, IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        var projector = LoadModel(modelPath);
        using var input = LoadedVectors.Open(inPath, "the vectors", dataset, (d, t) => progress?.Report(new SisapProgress("reading", d, t)), cancel);
        if (input.Matrix.Dimension != projector.InputDimension)
            throw new UserErrorException($"{inPath}: the vectors have dimension {input.Matrix.Dimension}, the model {modelPath} expects {projector.InputDimension}");
        string name = projector.DatasetName;
        using var w = Hdf5Writer.Create(outPath);
        w.SetAttribute("model", Path.GetFileName(modelPath));
        w.SetAttribute("source", Path.GetFileName(inPath));
        long rows = input.Matrix.Rows;
        const int block = 4096;
        if (projector.Pca is { } pca)
        {
            var ds = w.AddDataset(name, Hdf5DataType.Float32, pca.Dimensions);
            var buffer = new float[block * pca.Dimensions];
            for (long r = 0; r < rows; r += block)
            {
                cancel.ThrowIfCancellationRequested();
                int n = (int)Math.Min(block, rows - r);
                Project(pca, input.Matrix, r, n, buffer);
                ds.Append<float>(buffer.AsSpan(0, n * pca.Dimensions));
                progress?.Report(new SisapProgress("projecting", r + n, rows));
            }
        }
        else
        {
            var sk = projector.Sketcher!;
            var ds = w.AddDataset(name, Hdf5DataType.UInt64, sk.Words);
            var buffer = new ulong[block * sk.Words];
            for (long r = 0; r < rows; r += block)
            {
                cancel.ThrowIfCancellationRequested();
                int n = (int)Math.Min(block, rows - r);
                Sketch(sk, input.Matrix, r, n, buffer);
                ds.Append<ulong>(buffer.AsSpan(0, n * sk.Words));
                progress?.Report(new SisapProgress("sketching", r + n, rows));
            }
        }
        w.Complete();
        return new ApplyReport(Path.GetFullPath(outPath), name, rows, projector.Pca?.Dimensions ?? projector.Sketcher!.Bits);
    }

    /// <summary>Recall@k of search in the projected space against exact search on the original vectors.</summary>
    public static RecallReport Evaluate(string modelPath, string basePath, string queriesPath, int k = 10, string? dataset = null, IProgress<SisapProgress>? progress = null)
    {
        var projector = LoadModel(modelPath);
        using var base_ = LoadedVectors.Open(basePath, "the base", dataset, (d, t) => progress?.Report(new SisapProgress("reading", d, t)));
        return Evaluate(projector, base_.Matrix, queriesPath, k, progress);
    }

    internal sealed record Projector(PcaModel? Pca, BinarySketcher? Sketcher)
    {
        public int InputDimension => Pca?.InputDimension ?? Sketcher!.InputDimension;
        public string DatasetName => Pca is not null ? $"pca{Pca.Dimensions}" : "hamming";
    }

    private static RecallReport Evaluate(Projector projector, VectorMatrix data, string queriesPath, int k, IProgress<SisapProgress>? progress)
    {
        using var q = LoadedVectors.Open(queriesPath, "the queries");
        if (q.Matrix.Dimension != data.Dimension) throw new UserErrorException($"{queriesPath}: the queries have dimension {q.Matrix.Dimension}, the base {data.Dimension}");
        float[] queries = q.ToFloats();
        int nq = (int)q.Matrix.Rows;
        progress?.Report(new SisapProgress("exact search", 0, nq));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (truth, truthDists) = GoldStandard.Compute(data, queries, k);
        double exactSeconds = watch.Elapsed.TotalSeconds;
        long rows = data.Rows;
        long[] found;
        double projectedSeconds;
        if (projector.Pca is { } pca)
        {
            var projected = new float[rows * pca.Dimensions];
            for (long r = 0; r < rows; r += 4096)
            {
                int n = (int)Math.Min(4096, rows - r);
                Project(pca, data, r, n, projected.AsSpan((int)(r * pca.Dimensions)));
                progress?.Report(new SisapProgress("projecting", r + n, rows));
            }
            float[] pq = pca.Project(queries);
            var search = ExactSearch.Create(VectorMatrix.FromFloat32(projected, pca.Dimensions), VectorMetric.L2);
            watch.Restart();
            var results = search.SearchBatch(pq, k);
            projectedSeconds = watch.Elapsed.TotalSeconds;
            found = Flatten(results, k);
        }
        else
        {
            var sk = projector.Sketcher!;
            var bits = new ulong[rows * sk.Words];
            for (long r = 0; r < rows; r += 4096)
            {
                int n = (int)Math.Min(4096, rows - r);
                Sketch(sk, data, r, n, bits.AsSpan((int)(r * sk.Words)));
                progress?.Report(new SisapProgress("sketching", r + n, rows));
            }
            ulong[] qb = sk.Sketch(queries);
            var search = ExactSearch.Create(VectorMatrix.FromBits(bits, sk.Bits), VectorMetric.Hamming);
            watch.Restart();
            var results = search.SearchBatch(qb, k);
            projectedSeconds = watch.Elapsed.TotalSeconds;
            found = Flatten(results, k);
        }
        var (recall, _) = ChallengeRecall.Compute(truth, truthDists, k, found, k, k);
        return new RecallReport(nq, k, recall, projectedSeconds, exactSeconds);
    }

    private static long[] Flatten(SearchResult[] results, int k)
    {
        var ids = new long[(long)results.Length * k];
        Array.Fill(ids, -1L);
        for (int i = 0; i < results.Length; i++) results[i].Ids.AsSpan(0, Math.Min(k, results[i].Count)).CopyTo(ids.AsSpan(i * k));
        return ids;
    }

    /// <summary>Projects rows in parallel slices (the per-row work is a small matrix product).</summary>
    private static void Project(PcaModel pca, VectorMatrix data, long first, int count, Span<float> output)
    {
        float[] target = new float[count * pca.Dimensions];
        int slices = Math.Min(Environment.ProcessorCount, Math.Max(1, count / 256));
        Parallel.For(0, slices, s =>
        {
            int a = count * s / slices, b = count * (s + 1) / slices;
            pca.Project(data, first + a, b - a, target.AsSpan(a * pca.Dimensions, (b - a) * pca.Dimensions));
        });
        target.CopyTo(output);
    }

    private static void Sketch(BinarySketcher sk, VectorMatrix data, long first, int count, Span<ulong> output)
    {
        ulong[] target = new ulong[count * sk.Words];
        int slices = Math.Min(Environment.ProcessorCount, Math.Max(1, count / 256));
        Parallel.For(0, slices, s =>
        {
            int a = count * s / slices, b = count * (s + 1) / slices;
            sk.Sketch(data, first + a, b - a, target.AsSpan(a * sk.Words, (b - a) * sk.Words));
        });
        target.CopyTo(output);
    }

    private static void SaveModel(string path, PcaModel model)
    {
        using var w = Hdf5Writer.Create(path);
        w.SetAttribute("kind", "pca");
        w.SetAttribute("dims", (long)model.Dimensions);
        w.SetAttribute("total_variance", model.TotalVariance);
        w.AddDataset("mean", Hdf5DataType.Float32).Append<float>(model.Mean);
        w.AddDataset("components", Hdf5DataType.Float32, model.InputDimension).Append<float>(model.Components);
        w.AddDataset("variances", Hdf5DataType.Float64).Append<double>(model.Variances);
        w.Complete();
    }

    private static void SaveModel(string path, BinarySketcher sketcher, int seed)
    {
        using var w = Hdf5Writer.Create(path);
        w.SetAttribute("kind", "sketch");
        w.SetAttribute("bits", (long)sketcher.Bits);
        w.SetAttribute("seed", (long)seed);
        w.AddDataset("mean", Hdf5DataType.Float32).Append<float>(sketcher.Mean);
        w.AddDataset("planes", Hdf5DataType.Float32, sketcher.InputDimension).Append<float>(sketcher.Planes);
        w.Complete();
    }

    internal static Projector LoadModel(string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such model file");
        using var f = Hdf5File.Open(path);
        string kind = f.Attributes.FirstOrDefault(a => a.Name == "kind")?.AsString() ?? "";
        float[] Floats(string name)
        {
            if (!f.HasDataset(name)) throw new UserErrorException($"{path}: the model has no '{name}' dataset");
            var ds = f.Dataset(name);
            if (ds.Rows * ds.RowElements > 1L << 27) throw new UserErrorException($"{path}: '{name}' is too large for a model");
            return ds.ReadAllAsDouble().Select(v => (float)v).ToArray();
        }
        try
        {
            if (kind == "pca")
            {
                float[] mean = Floats("mean");
                double[] variances = f.Dataset("variances").ReadAllAsDouble();
                return new Projector(new PcaModel(mean, Floats("components"), variances), null);
            }
            if (kind == "sketch")
            {
                float[] mean = Floats("mean");
                float[] planes = Floats("planes");
                return new Projector(null, new BinarySketcher(mean, planes, mean.Length == 0 ? 0 : planes.Length / mean.Length));
            }
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"{path}: not a consistent model: {e.Message}", e);
        }
        throw new UserErrorException($"{path}: not a Trawl projection model (attribute kind is '{kind}', expected 'pca' or 'sketch')");
    }
}
