using Microsoft.Data.Sqlite;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Loads sources into a dataset, creating it if needed. All or nothing: the work happens on a
/// temporary copy of meta.db that is renamed into place only when everything succeeded, so a failed
/// or interrupted ingest leaves the dataset exactly as it was.
/// </summary>
public static class DatasetIngest
{
    public static IngestReport Run(string datasetPath, IngestRequest request, IProgress<IngestProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Sources.Count == 0)
            throw new UserErrorException("no source files given");
        foreach (string source in request.Sources)
        {
            if (!File.Exists(source))
                throw new UserErrorException($"{source}: no such file");
        }

        string directory = DatasetPaths.ForIngest(datasetPath);
        System.IO.Directory.CreateDirectory(directory);
        using var datasetLock = IngestLock.Acquire(directory);

        string meta = DatasetPaths.MetaDb(directory);
        string temp = Path.Combine(directory, $"{DatasetPaths.MetaDbName}.tmp-{Guid.NewGuid():N}"[..(DatasetPaths.MetaDbName.Length + 13)]);
        VectorIngest.CleanUpLeftovers(directory);
        VectorIngest? vectors = null;
        try
        {
            if (File.Exists(meta))
            {
                Checkpoint(meta);
                File.Copy(meta, temp, overwrite: true);
            }
            IngestReport report;
            using (var conn = OpenForWriting(temp))
            {
                Bookkeeping.EnsureSchema(conn);
                VectorSetRegistry.EnsureSchema(conn);
                // Pairing and row counts of every part are checked before a single row is written.
                vectors = new VectorIngest(directory, conn, request);
                vectors.Validate();
                report = new TableLoader(conn, request, progress, cancel, vectors).Run();
                cancel.ThrowIfCancellationRequested();
                long tableRows = RawSql.ScalarInt64(conn, $"SELECT coalesce(max(rowid) + 1, 0) FROM {Sql.SqlNames.Quote(report.Table)}");
                var sets = vectors.Finish(tableRows);
                report = new IngestReport(report.Table, report.RowsRead, report.RowsKept, report.RowsFiltered, report.Duplicates, report.ColumnsAdded, report.Elapsed)
                {
                    SkippedSources = report.SkippedSources,
                    VectorSets = sets,
                };
                cancel.ThrowIfCancellationRequested();
                using var wal = conn.CreateCommand();
                // Readers get WAL so they never block on each other or on a later ingest's copy step.
                wal.CommandText = "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;";
                wal.ExecuteNonQuery();
            }
            File.Move(temp, meta, overwrite: true);
            // After meta.db: a crash between the two renames leaves a set whose count disagrees with its table,
            // which opening the set reports (never silently misaligned rows).
            vectors.Commit();
            // Column files follow the committed rows; if this is interrupted they stay at the previous commit and
            // queries answer from SQLite until the next ingest or `trawl columns` brings them up to date.
            Columns.DatasetColumns.Update(directory, report.Table, cancel: cancel);
            return report;
        }
        finally
        {
            vectors?.Dispose();
            DeleteQuietly(temp);
            DeleteQuietly(temp + "-wal");
            DeleteQuietly(temp + "-shm");
            DeleteQuietly(temp + "-journal");
        }
    }

    private static SqliteConnection OpenForWriting(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        // Nobody else sees this file until it is renamed into place, so no journal or syncs are needed:
        // a crash just leaves a temporary file behind.
        cmd.CommandText = """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            PRAGMA locking_mode=EXCLUSIVE;
            PRAGMA cache_size=-262144;
            PRAGMA temp_store=MEMORY;
            PRAGMA threads=2;
            """;
        cmd.ExecuteNonQuery();
        return conn;
    }

    /// <summary>Folds an existing WAL into meta.db so that a plain file copy holds every committed page.</summary>
    private static void Checkpoint(string meta)
    {
        if (!File.Exists(meta + "-wal"))
            return;
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = meta, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        cmd.ExecuteNonQuery();
    }

    private static void DeleteQuietly(string path)
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
