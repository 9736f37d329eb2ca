using Microsoft.Data.Sqlite;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>
/// <c>trawl count-names DATASET NAMES.csv --column name --table celebrities</c>: for each name in the file, the number
/// of rows whose full-text index matches it as a phrase (quoted safely: <c>Dwayne 'The Rock' Johnson</c> and names
/// with double quotes are one phrase, never FTS5 syntax), stored as a table (name, count, search) with the most
/// matched first; <c>search</c> is the table searched, so each row leads to its search. Blank and repeated names are
/// skipped.
/// </summary>
public static class NameCounts
{
    public static NameCountReport Run(string datasetPath, string namesFile, string column, string table, string? searchedTable = null, bool replace = false, CancellationToken cancel = default)
    {
        var names = ReadNames(namesFile, column);
        return DatasetWrite.Run(datasetPath, conn =>
        {
            var tables = Bookkeeping.ReadTables(conn);
            TableInfo searched = searchedTable is not null ? DatasetWrite.Table(conn, searchedTable)
                : tables.FirstOrDefault(t => t.FtsTable is not null && !t.Name.Equals(table, StringComparison.OrdinalIgnoreCase))
                  ?? throw new UserErrorException("no table of this dataset has a full-text index; ingest one with --search COL");
            string fts = searched.FtsTable ?? throw new UserErrorException($"table '{searched.Name}' has no full-text index (ingest it with --search COL)");
            DatasetWrite.CheckNewName(conn, table, replace);
            var counts = new List<(string Name, long Count)>(names.Count);
            using (var count = conn.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM {SqlNames.Quote(fts)} WHERE {SqlNames.Quote(fts)} MATCH $q";
                var q = count.Parameters.Add("$q", SqliteType.Text);
                foreach (string name in names)
                {
                    cancel.ThrowIfCancellationRequested();
                    q.Value = Phrase(name);
                    counts.Add((name, Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
            counts.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Name, b.Name));
            string t = SqlNames.Quote(table);
            RawSql.Execute(conn.Handle!, $"CREATE TABLE {t} (\"rowid\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL, \"count\" INTEGER NOT NULL, \"search\" TEXT NOT NULL)");
            using (var insert = conn.CreateCommand())
            {
                insert.CommandText = $"INSERT INTO {t} (\"rowid\", \"name\", \"count\", \"search\") VALUES ($r, $n, $c, $s)";
                var r = insert.Parameters.Add("$r", SqliteType.Integer);
                var n = insert.Parameters.Add("$n", SqliteType.Text);
                var c = insert.Parameters.Add("$c", SqliteType.Integer);
                insert.Parameters.AddWithValue("$s", searched.Name);
                for (int i = 0; i < counts.Count; i++)
                {
                    r.Value = i;
                    n.Value = counts[i].Name;
                    c.Value = counts[i].Count;
                    insert.ExecuteNonQuery();
                }
            }
            Bookkeeping.WriteTable(conn, new TableInfo(table, counts.Count,
                [new ColumnInfo("name", SqlType.Text, ColumnRole.None), new ColumnInfo("count", SqlType.Integer, ColumnRole.None), new ColumnInfo("search", SqlType.Text, ColumnRole.SearchLink)],
                [], null, null));
            return new NameCountReport(table, searched.Name, counts.Count, counts.Count(x => x.Count > 0));
        });
    }

    /// <summary>A name as one FTS5 phrase: the whole text in double quotes, inner double quotes doubled.</summary>
    public static string Phrase(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static List<string> ReadNames(string path, string column)
    {
        using var reader = TableReaders.Open(path, new TableReaderOptions());
        int index = reader.Schema.IndexOf(column);
        if (index < 0)
            throw new UserErrorException($"{path}: no column '{column}' (columns: {string.Join(", ", reader.Schema.Columns.Select(c => c.Name))}); name it with --column");
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batch = new ColumnBatch(reader.Schema.Count);
        while (reader.ReadBatch(batch, 4096))
        {
            var values = batch[index];
            for (int r = 0; r < batch.RowCount; r++)
            {
                if (values.ValueAt(r) is not { } v)
                    continue;
                string name = (Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").Trim();
                // A name with no letter or digit would match nothing or be FTS5 noise.
                if (name.Length == 0 || !name.Any(char.IsLetterOrDigit) || !seen.Add(name))
                    continue;
                names.Add(name);
            }
        }
        return names;
    }
}
