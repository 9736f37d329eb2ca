namespace Trawl.Store.Ingest;

/// <summary>
/// A lock file in the dataset folder held for the whole ingest, so two processes never write the same
/// dataset at once. On Unix .NET takes an advisory flock for <see cref="FileShare.None"/>, so the lock
/// dies with its process and a stale file does not block anyone.
/// </summary>
internal sealed class IngestLock : IDisposable
{
    private readonly FileStream _stream;

    private IngestLock(FileStream stream) => _stream = stream;

    public static IngestLock Acquire(string directory)
    {
        string path = Path.Combine(directory, Storage.DatasetPaths.LockName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new IngestLock(stream);
        }
        catch (IOException e)
        {
            throw new UserErrorException($"{directory}: another ingest is writing this dataset; wait for it to finish", e);
        }
    }

    /// <summary>The lock when nobody holds it and the folder is writable; null otherwise (a reader then skips recovery).</summary>
    public static IngestLock? TryAcquire(string directory)
    {
        try
        {
            return Acquire(directory);
        }
        catch (UserErrorException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
