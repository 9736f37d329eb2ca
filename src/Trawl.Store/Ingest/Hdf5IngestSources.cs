using Trawl.Formats.Hdf5;

namespace Trawl.Store.Ingest;

/// <summary>
/// <c>trawl ingest DATASET FILE.h5... [--meta META]</c> as an ordinary part ingest: every 2-d float dataset of the
/// files (SISAP's <c>emb</c>, <c>pca32</c>, <c>pca96</c>) becomes a vector set named after the dataset, and the rows
/// come from the metadata file (TSV, Parquet, ... in the same order as the vectors, as <c>trawl sisap subset
/// --meta-out</c> writes it) or, without one, from the HDF5 file itself (<see cref="Hdf5TableReader"/>: the 1-based
/// <c>id</c> and the other datasets such as <c>knns</c>). Row counts are checked by the vector sink before any row is
/// written, like any part ingest.
/// </summary>
public static class Hdf5IngestSources
{
    /// <summary>The sources and vector sets for <see cref="IngestRequest"/>.</summary>
    public sealed record Expanded(IReadOnlyList<string> Sources, IReadOnlyDictionary<string, IReadOnlyList<string>> Vectors);

    public static bool IsHdf5(string path) =>
        path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase);

    public static Expanded Expand(IReadOnlyList<string> files, string? meta)
    {
        if (files.Count == 0)
            throw new UserErrorException("no HDF5 files given");
        var vectors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        string? rowsFile = null;
        foreach (string path in files)
        {
            if (!IsHdf5(path))
                throw new UserErrorException($"{path}: HDF5 sources (.h5) cannot be mixed with other files; give the metadata with --meta");
            if (!File.Exists(path))
                throw new UserErrorException($"{path}: no such file");
            using var file = Hdf5File.Open(path);
            foreach (var d in file.Datasets.Where(Hdf5TableReader.IsVectorSet))
            {
                string name = SetName(d);
                if (from.TryGetValue(name, out string? other))
                    throw new UserErrorException($"both {other} and {path} hold a dataset '{name}'; each vector set must come from one file");
                from[name] = path;
                vectors[name] = [$"{path}:{d.Path.TrimStart('/')}"];
                if (name == "emb")
                    rowsFile = path;
            }
        }
        if (meta is not null && !File.Exists(meta))
            throw new UserErrorException($"--meta {meta}: no such file");
        if (meta is not null && vectors.Count == 0)
            throw new UserErrorException($"{string.Join(", ", files)}: no 2-d float dataset (emb, pca32, pca96...) to join the metadata to");
        return new Expanded([meta ?? rowsFile ?? files[0]], vectors);
    }

    /// <summary>A vector set name (letters, digits, '_', '-') from a dataset path: "/emb" → "emb", "/g/pca 32" → "g_pca_32".</summary>
    private static string SetName(Hdf5Dataset d)
    {
        var chars = d.Path.TrimStart('/').Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray();
        return chars.Length == 0 ? "emb" : new string(chars);
    }
}
