using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>
/// <c>trawl view DATASET NAME "SELECT ..."</c>: a SQLite view, validated first as the read-only SQL of
/// <c>trawl sql</c> is (one SELECT or WITH statement, read-only by SQLite's own judgement, within a time limit), and
/// registered so it is listed and served like a table. When the view has a <c>rowid</c> column that is a table's
/// rowid (<c>--rowid-of TABLE</c>), the view is searched through that table's full-text index.
/// </summary>
public static partial class DatasetViews
{
    public static TableInfo Create(string datasetPath, string name, string select, string? rowidOf = null, bool replace = false)
    {
        string sql = select.Trim().TrimEnd(';').Trim();
        if (!StartsWithSelect().IsMatch(sql))
            throw new UserErrorException("a view is one SELECT (or WITH ... SELECT) statement");
        return DatasetWrite.Run(datasetPath, conn =>
        {
            // The SQL runs as read-only user SQL first: a second statement, a write or a syntax error stops here.
            Validate(conn, sql);
            DatasetWrite.CheckNewName(conn, name, replace);
            RawSql.Execute(conn.Handle!, $"CREATE VIEW {SqlNames.Quote(name)} AS {sql}");
            var columns = new List<ColumnInfo>();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT name, type FROM pragma_table_info({SqlNames.Literal(name)})";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    string column = r.GetString(0);
                    if (!column.Equals("rowid", StringComparison.OrdinalIgnoreCase))
                        columns.Add(new ColumnInfo(column, SqlTypes.Parse(r.IsDBNull(1) ? "" : r.GetString(1)), ColumnRole.None));
                }
            }
            bool hasRowid = ForeignKeys.HasColumn(conn, name, "rowid");
            string? fts = null;
            IReadOnlyList<string> search = [];
            var tables = Bookkeeping.ReadTables(conn);
            // Roles (image, url, caption...) carry over from the tables' columns of the same name.
            var roles = tables.SelectMany(t => t.Columns).Where(c => c.Role != ColumnRole.None).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Role, StringComparer.OrdinalIgnoreCase);
            columns = columns.Select(c => roles.TryGetValue(c.Name, out var role) ? c with { Role = role } : c).ToList();
            if (rowidOf is not null)
            {
                if (!hasRowid)
                    throw new UserErrorException($"--rowid-of {rowidOf}: the view has no rowid column; select {rowidOf}.rowid AS rowid");
                var baseTable = tables.FirstOrDefault(t => t.Name.Equals(rowidOf, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserErrorException($"--rowid-of: no table '{rowidOf}'");
                fts = baseTable.FtsTable;
                search = baseTable.SearchColumns.Where(s => columns.Any(c => c.Name.Equals(s, StringComparison.OrdinalIgnoreCase))).ToList();
                if (fts is not null && search.Count == 0)
                    throw new UserErrorException($"--rowid-of {rowidOf}: the view must include its search column ({string.Join(", ", baseTable.SearchColumns)})");
            }
            else if (!hasRowid)
            {
                throw new UserErrorException("the view needs a rowid column to be paged like a table: select one table's rowid AS rowid (and give --rowid-of TABLE to search through that table's full-text index)");
            }
            long rows = RawSql.ScalarInt64(conn, $"SELECT count(*) FROM {SqlNames.Quote(name)}");
            var info = new TableInfo(name, rows, columns, search, fts, null);
            Bookkeeping.WriteTable(conn, info);
            return info;
        });
    }

    private static void Validate(SqliteConnection conn, string sql)
    {
        try
        {
            ReadOnlySqlRunner.Run(conn, sql, new SqlOptions { MaxRows = 1, TimeLimit = TimeSpan.FromSeconds(10) });
        }
        catch (SqliteException e)
        {
            throw new UserErrorException($"the view's SQL: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"^\s*(SELECT|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StartsWithSelect();
}
