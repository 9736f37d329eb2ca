using System.Diagnostics;
using System.Globalization;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;

namespace Trawl.Store.Sisap;

/// <summary>
/// <c>trawl search-h5</c>: builds an index over the base (in memory), searches the queries once per search
/// setting, and writes each run as a result file in the challenge's submission layout.
/// </summary>
public static class SisapSearch
{
    public sealed record Run(string Path, string Params, double QuerySeconds, double QueriesPerSecond, double? Recall);

    public sealed record Report(string Factory, long BaseRows, int Queries, int K, double BuildSeconds, IReadOnlyList<Run> Runs);

    public sealed record Options
    {
        public IReadOnlyList<int> Ef { get; init; } = [];
        public IReadOnlyList<int> NProbe { get; init; } = [];
        public int? RefineFactor { get; init; }
        public int EfConstruction { get; init; } = 100;
        public int Seed { get; init; } = 42;
        public int? Threads { get; init; }
        public string? BaseDataset { get; init; }
        public string? QueriesDataset { get; init; }
        /// <summary>When set, each run's recall@k against this gold standard is reported.</summary>
        public string? Gold { get; init; }
    }

    public static Report Execute(string basePath, string queriesPath, string factory, int k, string outPath, Options options,
        IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        if (k is < 1 or > 10_000) throw new UserErrorException($"--k must be between 1 and 10,000, not {k}");
        IndexSpec spec = IndexFiles.ParseFactory(factory);
        using var base_ = LoadedVectors.Open(basePath, "the base", options.BaseDataset, (d, t) => progress?.Report(new SisapProgress("reading the base", d, t)), cancel);
        using var q = LoadedVectors.Open(queriesPath, "the queries", options.QueriesDataset);
        if (q.Matrix.Dimension != base_.Matrix.Dimension)
            throw new UserErrorException($"{queriesPath}: the queries have dimension {q.Matrix.Dimension}, the base {base_.Matrix.Dimension}");
        NeighbourFile? gold = options.Gold is null ? null : NeighbourFile.Read(options.Gold, "the gold standard");
        float[] queries = q.ToFloats();
        int nq = (int)q.Matrix.Rows;

        var buildOptions = new IndexBuildOptions { EfConstruction = options.EfConstruction, Seed = options.Seed, Threads = options.Threads };
        var clock = Stopwatch.StartNew();
        IVectorIndex index;
        try
        {
            index = VectorIndexFactory.Create(spec.ToString(), base_.Matrix, VectorMetric.InnerProduct, buildOptions);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"{basePath}: cannot build {spec}: {IndexFiles.Message(e)}", e);
        }
        using (index)
        {
            var fill = new Progress<IndexBuildProgress>(p => progress?.Report(new SisapProgress(p.Phase == "add" ? "indexing" : "training", p.Done, p.Total)));
            IndexFiles.Fill(index, fill, cancel);
            clock.Stop();
            double build = clock.Elapsed.TotalSeconds;

            var settings = Settings(spec, options);
            var runs = new List<Run>();
            var ids = new long[(long)nq * k];
            var scores = new float[ids.Length];
            foreach (var (label, search) in settings)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(new SisapProgress("searching " + label, runs.Count, settings.Count));
                var watch = Stopwatch.StartNew();
                index.Search(queries, k, ids, scores, search);
                watch.Stop();
                var dists = new float[scores.Length];
                for (int i = 0; i < scores.Length; i++) dists[i] = float.IsNaN(scores[i]) ? float.NaN : 1f - scores[i];
                string path = settings.Count == 1 ? outPath : WithSuffix(outPath, label);
                NeighbourFile.Write(path, ids, dists, nq, k, new Dictionary<string, object>
                {
                    ["algo"] = spec.ToString(),
                    ["data"] = Path.GetFileName(basePath),
                    ["size"] = base_.Matrix.Rows,
                    ["buildtime"] = build,
                    ["querytime"] = watch.Elapsed.TotalSeconds,
                    ["params"] = label,
                });
                double? recall = null;
                if (gold is not null)
                    recall = SisapRecall.Score(gold, NeighbourFile.Read(path, "the result"), Math.Min(k, gold.K)).Recall;
                runs.Add(new Run(Path.GetFullPath(path), label, watch.Elapsed.TotalSeconds, nq / Math.Max(1e-9, watch.Elapsed.TotalSeconds), recall));
            }
            return new Report(spec.ToString(), base_.Matrix.Rows, nq, k, build, runs);
        }
    }

    private static List<(string Label, IndexSearchOptions Options)> Settings(IndexSpec spec, Options o)
    {
        var list = new List<(string, IndexSearchOptions)>();
        string refine = o.RefineFactor is { } r ? $",refine={r}" : "";
        switch (spec.Kind)
        {
            case IndexKind.Hnsw:
                if (o.NProbe.Count > 0) throw new UserErrorException("--nprobe applies to IVF indexes, not HNSW");
                foreach (int ef in o.Ef.Count > 0 ? o.Ef : [64])
                    list.Add(($"ef={ef}{refine}", new IndexSearchOptions { Ef = ef, RefineFactor = o.RefineFactor, Threads = o.Threads }));
                break;
            case IndexKind.Flat:
                if (o.NProbe.Count > 0 || o.Ef.Count > 0) throw new UserErrorException("--ef and --nprobe do not apply to Flat");
                list.Add(("exact", new IndexSearchOptions { Threads = o.Threads }));
                break;
            default:
                if (o.Ef.Count > 0) throw new UserErrorException("--ef applies to HNSW, not IVF");
                foreach (int p in o.NProbe.Count > 0 ? o.NProbe : [16])
                    list.Add(($"nprobe={p}{refine}", new IndexSearchOptions { NProbe = p, RefineFactor = o.RefineFactor, Threads = o.Threads }));
                break;
        }
        return list;
    }

    private static string WithSuffix(string path, string label)
    {
        string safe = label.Replace("=", "").Replace(',', '-');
        string ext = Path.GetExtension(path);
        return path[..^ext.Length] + "." + safe + ext;
    }

    internal static string Invariant(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
