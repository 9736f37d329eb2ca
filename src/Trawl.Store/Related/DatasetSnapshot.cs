using Trawl.Store.Ingest;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>
/// A consistent copy of a dataset folder (for <c>trawl package</c>): taken under the ingest lock, after folding the
/// WAL into meta.db, without the lock file and an interrupted ingest's leftovers. Returns the copy's folder.
/// </summary>
public static class DatasetSnapshot
{
    public static string CopyTo(string datasetPath, string destinationParent)
    {
        string directory = DatasetPaths.FindExisting(datasetPath) ?? throw new UserErrorException($"{datasetPath}: no such dataset");
        string target = Path.Combine(destinationParent, Path.GetFileName(directory));
        if (Directory.Exists(target))
            throw new UserErrorException($"{target} already exists; choose another --output");
        using var datasetLock = IngestLock.Acquire(directory);
        DatasetRecovery.Run(directory);
        using (var conn = DatasetIngest.OpenInPlace(DatasetPaths.MetaDb(directory)))
            DatasetIngest.Checkpoint(conn);
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            if (name == DatasetPaths.LockName || DatasetPaths.IsLeftover(name) || name.EndsWith("-shm", StringComparison.Ordinal))
                continue;
            string to = Path.Combine(target, Path.GetRelativePath(directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }
}
