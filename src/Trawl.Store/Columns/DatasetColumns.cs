using Microsoft.Data.Sqlite;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>
/// Builds or extends the column files of a dataset's tables (<c>columns/</c>): ingest calls it for the table it
/// loaded; <c>trawl columns</c> calls it for datasets made before column files existed or to repair them.
/// </summary>
public static class DatasetColumns
{
    /// <summary>Brings each table's column files (or only <paramref name="table"/>'s) up to its rows.</summary>
    /// <param name="progress">Receives (table, rows done) now and then.</param>
    public static IReadOnlyList<ColumnBuildReport> Update(string datasetPath, string? table = null,
        Action<string, long>? progress = null, CancellationToken cancel = default) =>
        Update(datasetPath, table, progress, cancel, heldAlone: false);

    /// <param name="heldAlone">The caller holds the dataset alone (<see cref="ReaderPresence.TryAlone"/>): dictionaries are rewritten in place.</param>
    internal static IReadOnlyList<ColumnBuildReport> Update(string datasetPath, string? table,
        Action<string, long>? progress, CancellationToken cancel, bool heldAlone)
    {
        string directory = DatasetPaths.FindExisting(datasetPath)
            ?? throw new UserErrorException($"{datasetPath}: no such dataset");
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatasetPaths.MetaDb(directory),
            // Read-write although it only reads: the last connection to close then folds and removes the WAL,
            // leaving the folder as an ingest leaves it.
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        conn.Open();
        // Views (trawl view) are answered by SQLite: they have no column files.
        var tables = Bookkeeping.ReadTables(conn).Where(t => RawSql.ScalarInt64(conn, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = {Sql.SqlNames.Literal(t.Name)}") > 0).ToList();
        if (table is not null)
        {
            tables = tables.Where(t => t.Name.Equals(table, StringComparison.OrdinalIgnoreCase)).ToList();
            if (tables.Count == 0)
                throw new UserErrorException($"dataset '{DatasetPaths.NameOf(directory)}' has no table '{table}'");
        }
        var reports = new List<ColumnBuildReport>();
        foreach (var t in tables)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cpuBefore = ProcessCpu();
            var rankingClock = new RankingClock();
            long before = ColumnManifest.TryRead(ColumnFiles.Manifest(ColumnFiles.Folder(directory), t.Name))?.Rows ?? 0;
            var manifest = ColumnStoreBuilder.Update(conn, directory, t.Name, t.Columns.Select(c => c.Name).ToList(),
                progress: rows => progress?.Invoke(t.Name, rows), cancel: cancel, ftsTable: t.FtsTable, rankingClock: rankingClock,
                dictionariesInPlace: heldAlone);
            long bytes = Directory.EnumerateFiles(ColumnFiles.Folder(directory), ColumnFiles.Escape(t.Name) + ".*").Sum(f => new FileInfo(f).Length);
            reports.Add(new ColumnBuildReport(t.Name, manifest.Rows, Math.Max(0, manifest.Rows - (before <= manifest.Rows ? before : 0)),
                manifest.Columns.ToDictionary(c => c.Name, c => c.Encodings), bytes, clock.Elapsed, manifest.Search is not null)
            {
                Cpu = ProcessCpu() - cpuBefore,
                RankingElapsed = rankingClock.Elapsed,
                RankingCpu = rankingClock.Cpu,
            });
        }
        return reports;
    }

    internal static TimeSpan ProcessCpu()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>What <see cref="DatasetColumns.Update(string, string?, Action{string, long}?, CancellationToken)"/> did for one table.</summary>
/// <param name="RowsWritten">Rows added to the files this time (all of them when they were built anew).</param>
/// <param name="Bytes">Size of the table's column files.</param>
/// <param name="Ranking">The table has ranking files (bm25 over any number of matches).</param>
public sealed record ColumnBuildReport(string Table, long Rows, long RowsWritten, IReadOnlyDictionary<string, IReadOnlyList<ColumnEncoding>> Encodings, long Bytes, TimeSpan Elapsed, bool Ranking)
{
    /// <summary>Process CPU time meanwhile.</summary>
    public TimeSpan Cpu { get; init; }

    /// <summary>The part of <see cref="Elapsed"/> spent on the ranking files.</summary>
    public TimeSpan RankingElapsed { get; init; }

    /// <summary>The part of <see cref="Cpu"/> spent on the ranking files.</summary>
    public TimeSpan RankingCpu { get; init; }
}
