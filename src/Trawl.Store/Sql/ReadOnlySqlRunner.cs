using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Store.Storage;

namespace Trawl.Store.Sql;

/// <summary>
/// Runs one user-written statement safely: a single SELECT/WITH/VALUES/EXPLAIN (or a read-only PRAGMA from a
/// short list), checked with sqlite3_stmt_readonly on the prepared statement, on a read-only connection,
/// stopped by a progress handler at the time limit.
/// </summary>
internal static partial class ReadOnlySqlRunner
{
    private static readonly HashSet<string> ReadPragmas = new(StringComparer.OrdinalIgnoreCase)
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "collation_list", "function_list", "module_list", "pragma_list", "compile_options",
    };

    private static readonly string[] Allowed = ["SELECT", "WITH", "VALUES", "EXPLAIN"];

    public static SqlResult Run(SqliteConnection conn, string sql, SqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(sql);
        CheckStatementKind(sql);
        var db = conn.Handle!;
        var clock = Stopwatch.StartNew();
        long deadline = (long)(options.TimeLimit.TotalSeconds * Stopwatch.Frequency);
        bool timedOut = false;
        // Checked every 1,000 VM instructions: a runaway query stops within microseconds of the limit.
        raw.sqlite3_progress_handler(db, 1000, _ =>
        {
            if (clock.ElapsedTicks <= deadline)
                return 0;
            timedOut = true;
            return 1;
        }, null);
        try
        {
            int rc = raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt stmt, out string tail);
            using (stmt)
            {
                if (rc != raw.SQLITE_OK)
                    throw new UserErrorException("SQL error: " + RawSql.ErrorMessage(db));
                if (stmt is null || stmt.IsInvalid)
                    throw new UserErrorException("SQL error: the query is empty");
                if (!IsBlank(tail))
                    throw new UserErrorException("only one SQL statement may be run at a time");
                if (raw.sqlite3_stmt_readonly(stmt) == 0)
                    throw new UserErrorException("only read-only SQL is allowed here (SELECT, WITH, VALUES, EXPLAIN)");
                BindParameters(stmt, options.Parameters);

                int columns = raw.sqlite3_column_count(stmt);
                var names = new string[columns];
                for (int i = 0; i < columns; i++)
                    names[i] = raw.sqlite3_column_name(stmt, i).utf8_to_string() ?? $"column{i}";
                var rows = new List<object?[]>();
                bool truncated = false;
                while (true)
                {
                    rc = raw.sqlite3_step(stmt);
                    if (rc == raw.SQLITE_DONE)
                        break;
                    if (rc != raw.SQLITE_ROW)
                    {
                        if (timedOut || rc == raw.SQLITE_INTERRUPT)
                            throw new SqlTimeoutException(options.TimeLimit);
                        throw new UserErrorException("SQL error: " + RawSql.ErrorMessage(db));
                    }
                    if (rows.Count >= options.MaxRows)
                    {
                        truncated = true;
                        break;
                    }
                    var row = new object?[columns];
                    for (int i = 0; i < columns; i++)
                        row[i] = RawSql.ColumnValue(stmt, i);
                    rows.Add(row);
                }
                return new SqlResult(names, rows, truncated, clock.Elapsed);
            }
        }
        finally
        {
            raw.sqlite3_progress_handler(db, 0, null, null);
        }
    }

    /// <summary>The first keyword decides what kind of statement this is; writes, ATTACH and most PRAGMAs are refused
    /// with a clear message before SQLite sees them (sqlite3_stmt_readonly stays the real guard).</summary>
    private static void CheckStatementKind(string sql)
    {
        string body = StripLeadingComments(sql);
        var m = FirstWord().Match(body);
        string word = m.Success ? m.Value.ToUpperInvariant() : "";
        if (word == "PRAGMA")
        {
            var p = PragmaCall().Match(body);
            if (p.Success && ReadPragmas.Contains(p.Groups[1].Value) && !body.Contains('='))
                return;
            throw new UserErrorException($"this PRAGMA is not allowed; read-only PRAGMAs are {string.Join(", ", ReadPragmas.Order())} (or SELECT * FROM pragma_table_info('t'))");
        }
        if (word is "ATTACH" or "DETACH")
            throw new UserErrorException("ATTACH and DETACH are not allowed: only this dataset can be queried");
        if (!Allowed.Contains(word))
            throw new UserErrorException($"only read-only SQL is allowed here (SELECT, WITH, VALUES, EXPLAIN); '{(word.Length > 0 ? word : body[..Math.Min(body.Length, 20)])}' statements are refused");
    }

    private static void BindParameters(sqlite3_stmt stmt, IReadOnlyDictionary<string, object?>? parameters)
    {
        int count = raw.sqlite3_bind_parameter_count(stmt);
        for (int i = 1; i <= count; i++)
        {
            string? name = raw.sqlite3_bind_parameter_name(stmt, i).utf8_to_string();
            if (name is null)
                throw new UserErrorException("positional parameters (?) are not supported; use named ones like :name");
            string bare = name[1..];
            object? value = null;
            bool found = parameters is not null && (parameters.TryGetValue(bare, out value) || parameters.TryGetValue(name, out value));
            if (!found)
                throw new UserErrorException($"the query uses parameter {name} but no value was given for it");
            int rc = value switch
            {
                null => raw.sqlite3_bind_null(stmt, i),
                long l => raw.sqlite3_bind_int64(stmt, i, l),
                int n => raw.sqlite3_bind_int64(stmt, i, n),
                bool b => raw.sqlite3_bind_int64(stmt, i, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(stmt, i, d),
                float f => raw.sqlite3_bind_double(stmt, i, f),
                byte[] bytes => raw.sqlite3_bind_blob(stmt, i, bytes),
                _ => raw.sqlite3_bind_text(stmt, i, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            };
            if (rc != raw.SQLITE_OK)
                throw new UserErrorException($"could not bind parameter {name}");
        }
    }

    private static bool IsBlank(string? tail) => tail is null || OnlySemicolonsAndComments(tail);

    private static bool OnlySemicolonsAndComments(string tail)
    {
        string rest = tail;
        while (true)
        {
            rest = StripLeadingComments(rest).TrimStart();
            if (rest.Length == 0)
                return true;
            if (rest[0] != ';')
                return false;
            rest = rest[1..];
        }
    }

    private static string StripLeadingComments(string sql)
    {
        string s = sql.TrimStart();
        while (true)
        {
            if (s.StartsWith("--", StringComparison.Ordinal))
            {
                int nl = s.IndexOf('\n');
                s = nl < 0 ? "" : s[(nl + 1)..].TrimStart();
            }
            else if (s.StartsWith("/*", StringComparison.Ordinal))
            {
                int end = s.IndexOf("*/", 2, StringComparison.Ordinal);
                s = end < 0 ? "" : s[(end + 2)..].TrimStart();
            }
            else
            {
                return s;
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z]+")]
    private static partial Regex FirstWord();

    [GeneratedRegex(@"^PRAGMA\s+(?:[A-Za-z_][A-Za-z0-9_]*\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PragmaCall();
}
