using Trawl.Vectors;
using Trawl.Vectors.Indexes;

namespace Trawl.Store.AnnIndexes;

/// <summary>Names and small helpers shared by dataset and bare-file indexes.</summary>
internal static class IndexFiles
{
    public const string Folder = "indexes";

    /// <summary>The file extension of an index kind: "hnsw", "ivfpq" or "flat".</summary>
    public static string Extension(IndexSpec spec) => spec.Kind switch
    {
        IndexKind.Hnsw => "hnsw",
        IndexKind.IvfPq => "ivfpq",
        _ => "flat",
    };

    /// <summary>"indexes/SET.KIND", the set name made safe for a file name.</summary>
    public static string RelativePath(string vectorSet, IndexSpec spec)
    {
        var safe = new char[vectorSet.Length];
        for (int i = 0; i < safe.Length; i++)
        {
            char c = vectorSet[i];
            safe[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_';
        }
        return Folder + "/" + new string(safe) + "." + Extension(spec);
    }

    public static IndexSpec ParseFactory(string factory)
    {
        try
        {
            return IndexSpec.Parse(factory);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"index factory {Message(e)}", e);
        }
    }

    /// <summary>An argument exception's message without the "(Parameter 'x')" suffix.</summary>
    public static string Message(ArgumentException e) => e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    /// <summary>The library's build options with the caller's overrides.</summary>
    public static IndexBuildOptions BuildOptions(DatasetIndexBuildOptions? options)
    {
        var built = new IndexBuildOptions();
        if (options is null) return built;
        if (options.EfConstruction is < 1) throw new UserErrorException($"--ef-construction must be at least 1, not {options.EfConstruction}");
        if (options.Threads is < 1) throw new UserErrorException($"--threads must be at least 1, not {options.Threads}");
        return built with
        {
            EfConstruction = options.EfConstruction ?? built.EfConstruction,
            Threads = options.Threads ?? built.Threads,
            Seed = options.Seed ?? built.Seed,
        };
    }

    /// <summary>
    /// Trains, then adds the rows in about 50 steps so progress can be shown and Ctrl+C honoured between
    /// them. The steps depend only on the row count, so a build stays reproducible.
    /// </summary>
    public static void Fill(IVectorIndex index, IProgress<IndexBuildProgress>? progress, CancellationToken cancel)
    {
        long total = index.Data.Rows;
        if (!index.IsTrained)
        {
            progress?.Report(new IndexBuildProgress("train", 0, total));
            index.Train();
        }
        long step = Math.Max(4096, (total + 49) / 50);
        while (index.Count < total)
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(new IndexBuildProgress("add", index.Count, total));
            index.Add(Math.Min(step, total - index.Count));
        }
        progress?.Report(new IndexBuildProgress("save", total, total));
    }

    /// <summary>Settings a search at the library's defaults uses (the ones builds here store), for reports.</summary>
    public static string DefaultSettings(IndexSpec spec)
    {
        var d = new IndexBuildOptions();
        return spec.Kind switch
        {
            IndexKind.Hnsw => $"ef {d.EfSearch}",
            IndexKind.IvfPq => spec.Refine ? $"nprobe {d.NProbe}, refine ×{d.RefineFactor}" : $"nprobe {d.NProbe}",
            _ => "exact",
        };
    }
}
