namespace Trawl.Store.Storage;

/// <summary>Where a dataset's files live: <c>NAME.trawl/meta.db</c> and friends.</summary>
internal static class DatasetPaths
{
    public const string Extension = ".trawl";
    public const string MetaDbName = "meta.db";
    public const string LockName = "ingest.lock";

    /// <summary>Prefix of the temporary meta.db a new dataset is built in before it is renamed into place.</summary>
    public const string TempMetaPrefix = MetaDbName + ".tmp-";

    /// <summary>Marks a vector set file completed but not yet renamed into place.</summary>
    public const string PendingMarker = ".pending-";

    public static string MetaDb(string directory) => Path.Combine(directory, MetaDbName);

    /// <summary>Files an interrupted ingest leaves behind: a temporary meta.db (and its journal), pending or
    /// half-written vector set files. Never part of the dataset; removed by recovery, not counted by SizeOnDisk.</summary>
    public static bool IsLeftover(string fileName) =>
        fileName.StartsWith(TempMetaPrefix, StringComparison.Ordinal)
        || fileName.Contains(PendingMarker, StringComparison.Ordinal)
        || fileName.EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>The folder of an existing dataset: PATH itself, or PATH.trawl; null when neither has a meta.db.</summary>
    public static string? FindExisting(string path)
    {
        string full = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (File.Exists(MetaDb(full)))
            return full;
        if (!full.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) && File.Exists(MetaDb(full + Extension)))
            return full + Extension;
        return null;
    }

    /// <summary>The folder an ingest writes to: an existing dataset, else PATH (adding ".trawl" when missing).</summary>
    public static string ForIngest(string path)
    {
        string? existing = FindExisting(path);
        if (existing is not null)
            return existing;
        string full = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return full.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? full : full + Extension;
    }

    /// <summary>The dataset's name: its folder name without ".trawl".</summary>
    public static string NameOf(string directory)
    {
        string name = Path.GetFileName(directory);
        return name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? name[..^Extension.Length] : name;
    }
}
