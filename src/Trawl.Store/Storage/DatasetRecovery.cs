using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Storage;

/// <summary>
/// Brings a dataset folder back to its last committed state after an interrupted ingest (see the commit
/// protocol in docs/dataset-format.md): meta.db's registry is the truth. A vector set completed under a pending
/// name whose count and checksum are the committed ones is renamed into place (the crash came after the SQLite
/// commit); rows appended past a set's committed count are cut off and a lagging header is rewritten; temporary
/// meta.db files and every other pending or half-written file are deleted; column files whose dictionaries were
/// being rewritten in place are built anew. Run at the start of every ingest and
/// at <see cref="Datasets.Dataset.Open"/> (when no ingest holds the lock).
/// </summary>
internal static class DatasetRecovery
{
    /// <summary>Recovers the folder when no ingest is running (else leaves it: the running ingest owns its files).</summary>
    public static void TryRun(string directory)
    {
        try
        {
            using var held = IngestLock.TryAcquire(directory);
            if (held is not null)
                Run(directory);
        }
        catch (IOException)
        {
            // A read-only or busy folder: readers still see the committed state (they ignore what is past it).
        }
        catch (UnauthorizedAccessException)
        {
        }
        catch (SqliteException)
        {
            // A damaged meta.db: opening the dataset reports it.
        }
    }

    /// <summary>
    /// A crash while an append rewrote a table's dictionaries in place leaves their marker: the files may be torn,
    /// so the table's column files are built anew (readers ignore them meanwhile).
    /// </summary>
    private static void RebuildTornColumnFiles(string directory, string meta)
    {
        string columns = Columns.ColumnFiles.Folder(directory);
        if (!File.Exists(meta) || !Directory.Exists(columns) || !Directory.EnumerateFiles(columns, "*.dict-rewrite").Any())
            return;
        Columns.DatasetColumns.Update(directory);
    }

    /// <summary>Recovers the folder; the caller holds the <see cref="IngestLock"/>.</summary>
    public static void Run(string directory)
    {
        foreach (string f in Directory.EnumerateFiles(directory, DatasetPaths.TempMetaPrefix + "*"))
            DeleteQuietly(f);
        string meta = DatasetPaths.MetaDb(directory);
        RebuildTornColumnFiles(directory, meta);
        var entries = File.Exists(meta) ? ReadRegistry(meta) : [];
        string folder = Path.Combine(directory, Trawl.Store.Ingest.Sinks.VectorSetSink.Folder);
        if (!Directory.Exists(folder))
            return;
        foreach (var e in entries)
        {
            string path = Path.GetFullPath(Path.Combine(directory, e.File));
            if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                continue;
            RollForward(path, e);
            if (!File.Exists(path))
                continue;
            try
            {
                VectorSetWriter.Repair(path, e.Count, e.ChecksumValue);
            }
            catch (VectorFormatException)
            {
                // Not ours to fix: opening the set reports it.
            }
        }
        foreach (string f in Directory.EnumerateFiles(folder))
        {
            if (DatasetPaths.IsLeftover(Path.GetFileName(f)))
                DeleteQuietly(f);
        }
    }

    /// <summary>A crash between the SQLite commit and the rename leaves the committed set under its pending name.</summary>
    private static void RollForward(string path, VectorSetRegistry.Entry e)
    {
        string? dir = Path.GetDirectoryName(path);
        if (dir is null)
            return;
        if (Matches(path, e))
            return;
        foreach (string pending in Directory.EnumerateFiles(dir, Path.GetFileName(path) + DatasetPaths.PendingMarker + "*"))
        {
            if (Matches(pending, e))
            {
                File.Move(pending, path, overwrite: true);
                return;
            }
        }
    }

    private static bool Matches(string path, VectorSetRegistry.Entry e)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var file = VectorSetFile.Open(path, e.Count, e.ChecksumValue);
            return true;
        }
        catch (VectorFormatException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<VectorSetRegistry.Entry> ReadRegistry(string meta)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = meta, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        conn.Open();
        using (var cmd = conn.CreateCommand())
        {
            // Reading rolls back the hot journal of an interrupted rollback-journal append; WAL comes back with it.
            cmd.CommandText = "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL;";
            cmd.ExecuteNonQuery();
        }
        return VectorSetRegistry.ReadAll(conn);
    }

    internal static void DeleteQuietly(string path)
    {
        try
        {
            if (File.Exists(path))
                File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
