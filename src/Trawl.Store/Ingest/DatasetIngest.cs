using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Loads sources into a dataset, creating it if needed. All or nothing, without copying the dataset:
/// a new dataset is built in a temporary meta.db renamed into place at the end; an existing one is written in
/// place inside one SQLite transaction (rows, FTS rows, bookkeeping), with the vector sets made durable before
/// the commit and published after it (docs/dataset-format.md, "Commit protocol"). Readers keep answering during
/// the ingest and see the new rows once it commits; a crash at any instant leaves the old or the new state,
/// which <see cref="DatasetRecovery"/> tidies on the next open or ingest.
/// </summary>
public static class DatasetIngest
{
    public static IngestReport Run(string datasetPath, IngestRequest request, IProgress<IngestProgress>? progress = null, CancellationToken cancel = default)
    {
        SqliteProcessSettings.Apply();
        var plan = IngestPlan.From(request);
        string directory = DatasetPaths.ForIngest(datasetPath);
        bool created = !System.IO.Directory.Exists(directory);
        try
        {
            return RunIn(directory, plan, progress, cancel);
        }
        catch when (created)
        {
            // A failed ingest leaves no dataset folder it created (the lock is released by now).
            try
            {
                if (!File.Exists(DatasetPaths.MetaDb(directory)))
                    System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    private static IngestReport RunIn(string directory, IngestPlan plan, IProgress<IngestProgress>? progress, CancellationToken cancel)
    {
        System.IO.Directory.CreateDirectory(directory);
        using var datasetLock = IngestLock.Acquire(directory);
        DatasetRecovery.Run(directory);
        string meta = DatasetPaths.MetaDb(directory);
        bool inPlace = File.Exists(meta);
        string target = inPlace ? meta : Path.Combine(directory, $"{DatasetPaths.TempMetaPrefix}{Guid.NewGuid():N}"[..(DatasetPaths.TempMetaPrefix.Length + 8)]);
        bool published = false;
        // Nobody reading: a rollback journal, so the extra disk is the changed old pages, not a WAL copy of all that is added.
        // (Taken for a new dataset too, so its folder has the lock file from the start.)
        using var alone = ReaderPresence.TryAlone(directory);
        var journal = !inPlace ? AppendJournal.NewDataset : alone is not null ? AppendJournal.RollbackJournal : AppendJournal.WriteAheadLog;
        try
        {
            IngestPipeline pipeline;
            using (var conn = inPlace ? OpenInPlace(target) : OpenNew(target))
            {
                if (journal == AppendJournal.RollbackJournal && !TryRollbackJournal(conn))
                    journal = AppendJournal.WriteAheadLog;
                RawSql.Execute(conn.Handle!, "BEGIN IMMEDIATE");
                Bookkeeping.EnsureSchema(conn);
                VectorSetRegistry.EnsureSchema(conn);
                pipeline = new IngestPipeline(directory, conn, plan, progress, cancel);
                try
                {
                    pipeline.Run();
                    foreach (var key in plan.ForeignKeys)
                        Related.ForeignKeys.Write(conn, key with { Table = pipeline.Report().Table });
                    cancel.ThrowIfCancellationRequested();
                    pipeline.Phases.Start(IngestPhase.Commit);
                    RawSql.Execute(conn.Handle!, "COMMIT");
                }
                catch
                {
                    pipeline.Dispose();
                    if (SQLitePCL.raw.sqlite3_get_autocommit(conn.Handle!) == 0)
                        RawSql.Execute(conn.Handle!, "ROLLBACK");
                    if (journal == AppendJournal.RollbackJournal)
                        ReturnToWal(conn);
                    throw;
                }
                if (journal == AppendJournal.WriteAheadLog)
                    Checkpoint(conn);
                else
                    ReturnToWal(conn);
            }
            using (pipeline)
            {
                if (!inPlace)
                    File.Move(target, meta);
                IngestPausePoint.Reach(IngestPausePoint.Commit);
                pipeline.Publish();
                published = true;
                pipeline.Phases.Stop();
                var report = pipeline.Report() with { Journal = journal };
                // Column files follow the committed rows; if this is interrupted they stay at the previous commit and
                // queries answer from SQLite until the next ingest or `trawl columns` brings them up to date.
                var columns = Columns.DatasetColumns.Update(directory, report.Table, null, cancel, heldAlone: alone is not null);
                var phases = pipeline.Phases;
                foreach (var c in columns)
                {
                    phases.Add(new IngestPhaseTime(IngestPhase.ColumnFiles, c.Elapsed - c.RankingElapsed, c.Cpu - c.RankingCpu));
                    if (c.Ranking)
                        phases.Add(new IngestPhaseTime(IngestPhase.Ranking, c.RankingElapsed, c.RankingCpu));
                }
                return report with { Phases = phases.Phases };
            }
        }
        finally
        {
            if (!inPlace)
            {
                foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
                    DatasetRecovery.DeleteQuietly(target + suffix);
            }
            // What a failed run left (rows past a committed count, pending files) goes now, or is rolled forward
            // when the failure came after the commit.
            if (!published)
                DatasetRecovery.Run(directory);
        }
    }

    /// <summary>The live meta.db: WAL, so readers keep their snapshot while this one transaction is written.</summary>
    internal static SqliteConnection OpenInPlace(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        conn.Open();
        Sql.TrawlFunctions.Register(conn);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            PRAGMA busy_timeout=10000;
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA cache_size=-262144;
            PRAGMA temp_store=MEMORY;
            PRAGMA threads=2;
            """;
        cmd.ExecuteNonQuery();
        return conn;
    }

    /// <summary>A new dataset's temporary meta.db: nobody sees it until it is renamed into place, so no journal or
    /// syncs are needed (a crash leaves a temporary file that recovery deletes).</summary>
    private static SqliteConnection OpenNew(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        conn.Open();
        Sql.TrawlFunctions.Register(conn);
        using var cmd = conn.CreateCommand();
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

    /// <summary>Switches the append's connection to a rollback journal, holding the database exclusively until
    /// <see cref="ReturnToWal"/>; false (and still WAL) when another connection has it open after all.</summary>
    private static bool TryRollbackJournal(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        try
        {
            cmd.CommandText = "PRAGMA busy_timeout=0";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "PRAGMA locking_mode=EXCLUSIVE";
            cmd.ExecuteNonQuery();
            cmd.CommandText = "PRAGMA journal_mode=DELETE";
            if (cmd.ExecuteScalar() is "delete")
                return true;
        }
        catch (SqliteException)
        {
        }
        finally
        {
            cmd.CommandText = "PRAGMA busy_timeout=10000";
            cmd.ExecuteNonQuery();
        }
        cmd.CommandText = "PRAGMA locking_mode=NORMAL";
        cmd.ExecuteNonQuery();
        return false;
    }

    /// <summary>Back to WAL after a rollback-journal append, releasing the exclusive lock, so readers that open
    /// next never block on a later append. A crash before this leaves rollback mode, which recovery reverts.</summary>
    internal static void ReturnToWal(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA locking_mode=NORMAL";
        cmd.ExecuteNonQuery();
        cmd.CommandText = "PRAGMA journal_mode=WAL";
        if (cmd.ExecuteScalar() is not "wal")
            throw new InvalidOperationException($"{conn.DataSource}: could not return to WAL after the append");
    }

    /// <summary>Folds the WAL back into meta.db and empties it when no reader still needs its frames; otherwise
    /// SQLite reuses the WAL after those readers finish.</summary>
    internal static void Checkpoint(SqliteConnection conn)
    {
        using var cmd = conn.CreateCommand();
        // Never wait for readers here: what they still need stays in the WAL until a later checkpoint.
        cmd.CommandText = "PRAGMA busy_timeout=0; PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_checkpoint(TRUNCATE);";
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
        }
    }
}
