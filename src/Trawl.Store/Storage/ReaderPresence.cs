namespace Trawl.Store.Storage;

/// <summary>
/// Open readers of a dataset hold a shared flock on <c>readers.lock</c>, so an append can tell whether anybody is
/// reading. With no reader it takes the lock exclusively and writes through a rollback journal, whose extra disk is
/// only the old pages it changes; with readers it keeps WAL, so they go on answering, at the cost of the WAL plus
/// its checkpoint (about twice what is added). On Unix .NET takes LOCK_SH for a read-only stream and LOCK_EX for
/// <see cref="FileShare.None"/>; the lock dies with its process.
/// </summary>
internal sealed class ReaderPresence : IDisposable
{
    public const string FileName = "readers.lock";

    private readonly FileStream _stream;

    private ReaderPresence(FileStream stream) => _stream = stream;

    /// <summary>Announces a reader. Null when the folder does not allow the lock file (nobody can append there
    /// either); a <see cref="UserErrorException"/> while an append with no readers holds the dataset.</summary>
    public static ReaderPresence? Announce(string directory)
    {
        try
        {
            return Open(directory, exclusive: false);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException e)
        {
            throw new UserErrorException(
                $"{directory}: an append is writing this dataset with nobody reading it (rollback journal, so readers wait); "
                + "open it when the append finishes, or start the reader (e.g. trawl serve) before the append", e);
        }
    }

    /// <summary>The dataset to itself: the exclusive lock when no reader holds it, else null.</summary>
    public static ReaderPresence? TryAlone(string directory)
    {
        try
        {
            return Open(directory, exclusive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ReaderPresence Open(string directory, bool exclusive) => new(exclusive
        ? new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)
        : new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None));

    public void Dispose() => _stream.Dispose();
}
