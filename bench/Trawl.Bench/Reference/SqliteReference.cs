using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Trawl.Bench.Measurement;

namespace Trawl.Bench.Reference;

/// <summary>
/// The seed blog's method on the same CSV: <c>sqlite3 DB ".import --csv FILE TABLE"</c> then
/// <c>sqlite-utils enable-fts DB TABLE COLUMN</c>, and queries against the result, timed with the
/// sqlite3 shell's own <c>.timer</c> (facets) or in-process through Microsoft.Data.Sqlite (searches).
/// </summary>
internal sealed partial class SqliteReference(string databasePath, string table, string searchColumn)
{
    public string DatabasePath { get; } = databasePath;

    public string Table { get; } = table;

    public string FtsTable => Table + "_fts";

    public static bool ToolsPresent(out string missing)
    {
        var absent = new[] { "sqlite3", "sqlite-utils" }.Where(t => FindOnPath(t) is null).ToList();
        missing = string.Join(", ", absent);
        return absent.Count == 0;
    }

    public ChildRun Import(string csvPath) =>
        ChildProcess.Run(FindOnPath("sqlite3")!, [DatabasePath, $".import --csv \"{csvPath}\" {Table}"]).EnsureSuccess();

    public ChildRun EnableFts() =>
        ChildProcess.Run(FindOnPath("sqlite-utils")!, ["enable-fts", DatabasePath, Table, searchColumn]).EnsureSuccess();

    public long CountRows()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"select count(*) from [{Table}]";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Runs <paramref name="sql"/> <paramref name="times"/> times in one sqlite3 shell with
    /// <c>.timer on</c>; returns each run's "real" seconds and the first run's output lines.</summary>
    public (IReadOnlyList<double> Seconds, IReadOnlyList<string> Rows) TimeInShell(string sql, int times)
    {
        // The shell prints .timer figures only for statements read from stdin, not from arguments.
        var script = new System.Text.StringBuilder(".timer on\n");
        for (int i = 0; i < times; i++)
            script.Append(sql).Append('\n');
        var run = ChildProcess.Run(FindOnPath("sqlite3")!, [DatabasePath], standardInput: script.ToString()).EnsureSuccess();
        var seconds = new List<double>();
        var rows = new List<string>();
        foreach (string line in run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = RunTime().Match(line);
            if (m.Success)
                seconds.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            else if (seconds.Count == 0)
                rows.Add(line);
        }
        if (seconds.Count != times)
            throw new InvalidOperationException($"sqlite3 printed {seconds.Count} timings for {times} runs:\n{run.Output}");
        return (seconds, rows);
    }

    /// <summary>The search Trawl answers for <c>_search=...&amp;_size=N</c>: a page of whole rows plus the
    /// count of all matches, here straight against SQLite with no HTTP in between. Trawl orders a
    /// search by rank only when it has at most <see cref="RankLimit"/> matches (else by rowid);
    /// <see cref="Search"/> follows the same rule, <c>rankAll</c> ranks every match as a naive
    /// Datasette-style query would.</summary>
    public sealed class Searcher : IDisposable
    {
        /// <summary>Trawl's own limit, read from the store so that the two never drift apart.</summary>
        public const int RankLimit = Trawl.Store.Queries.PageOrder.DefaultRankLimit;

        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _rankPage;
        private readonly SqliteCommand _rowidPage;
        private readonly SqliteCommand _cappedCount;
        private readonly SqliteCommand _count;

        internal Searcher(SqliteReference reference, int size)
        {
            string fts = $"[{reference.FtsTable}]", table = $"[{reference.Table}]";
            _connection = reference.Open();
            _rankPage = Command($"select t.rowid, t.* from {fts} f join {table} t on t.rowid = f.rowid where {fts} match $q order by f.rank limit {size + 1}");
            _rowidPage = Command($"select t.rowid, t.* from {table} t where t.rowid in (select rowid from {fts} where {fts} match $q) order by t.rowid limit {size + 1}");
            _cappedCount = Command($"select count(*) from (select rowid from {fts} where {fts} match $q limit {RankLimit + 1})");
            _count = Command($"select count(*) from {fts} where {fts} match $q");
        }

        /// <summary>Runs the page and count queries; returns the count.</summary>
        public long Search(string ftsExpression, bool rankAll = false)
        {
            bool rank = rankAll || (long)Run(_cappedCount, ftsExpression, scalar: true)! <= RankLimit;
            Run(rank ? _rankPage : _rowidPage, ftsExpression, scalar: false);
            return (long)Run(_count, ftsExpression, scalar: true)!;
        }

        private static object? Run(SqliteCommand command, string ftsExpression, bool scalar)
        {
            command.Parameters[0].Value = ftsExpression;
            if (scalar)
                return command.ExecuteScalar();
            using var reader = command.ExecuteReader();
            var values = new object[reader.FieldCount];
            while (reader.Read())
                reader.GetValues(values);
            return null;
        }

        private SqliteCommand Command(string sql)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("$q", SqliteType.Text);
            return command;
        }

        public void Dispose()
        {
            _rankPage.Dispose();
            _rowidPage.Dispose();
            _cappedCount.Dispose();
            _count.Dispose();
            _connection.Dispose();
        }
    }

    public Searcher CreateSearcher(int size) => new(this, size);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    internal static string? FindOnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, tool);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    [GeneratedRegex(@"^Run Time: real ([0-9.]+)")]
    private static partial Regex RunTime();
}
