using System.Text;
using Trawl.ClickHouse.Engines;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;

namespace Trawl.ClickHouse.Push;

/// <summary>
/// The ClickHouse table a dataset table becomes: <c>id Int64</c> (the rowid; <c>rowid</c> if the table has its own id
/// column), one column per chosen dataset column with the narrowest type that holds every value it has, Nullable only
/// when it has NULLs, and one <c>Array(Float32)</c> (or <c>Array(BFloat16)</c>) column per vector set named <c>SET_embedding</c> — so a LAION part
/// with sets "image" and "text" gives the ClickHouse guide's table (id, url, caption, NSFW, similarity, image_embedding,
/// text_embedding).
/// </summary>
internal static class PushSchema
{
    public static IReadOnlyList<PushColumn> For(Dataset dataset, TableInfo table, IReadOnlyList<string>? columns, IReadOnlyList<string> vectorSets, bool bfloat16 = false)
    {
        var chosen = new List<(ColumnInfo Column, int Index)>();
        if (columns is null)
        {
            for (int i = 0; i < table.Columns.Count; i++)
                chosen.Add((table.Columns[i], i + 1));
        }
        else
        {
            foreach (string name in columns)
            {
                int i = table.Columns.ToList().FindIndex(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (i < 0)
                    throw new UserErrorException($"table '{table.Name}' has no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
                chosen.Add((table.Columns[i], i + 1));
            }
        }

        var stats = ColumnStats(dataset, table, chosen.Select(c => c.Column).ToList());
        string idName = chosen.Any(c => c.Column.Name.Equals("id", StringComparison.OrdinalIgnoreCase)) ? "rowid" : "id";
        var result = new List<PushColumn> { new(idName, PushColumnKind.RowId, false, 0, null) };
        for (int i = 0; i < chosen.Count; i++)
        {
            var (column, index) = chosen[i];
            var (nulls, nonInteger, nonNumber) = stats[i];
            var kind = column.SqlType switch
            {
                SqlType.Integer when nonInteger == 0 => PushColumnKind.Int64,
                SqlType.Integer or SqlType.Real when nonNumber == 0 => PushColumnKind.Float64,
                _ => PushColumnKind.String,
            };
            result.Add(new PushColumn(column.Name, kind, nulls > 0, index, null));
        }
        foreach (string set in vectorSets)
            result.Add(new PushColumn(set + "_embedding", bfloat16 ? PushColumnKind.VectorBFloat16 : PushColumnKind.Vector, false, -1, set));

        var duplicate = result.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new UserErrorException($"two columns of the pushed table would be named '{duplicate.Key}'; leave one out with --columns");
        return result;
    }

    /// <summary>One scan: per column, NULLs, values that are not integers, values that are not numbers.</summary>
    private static List<(long Nulls, long NonInteger, long NonNumber)> ColumnStats(Dataset dataset, TableInfo table, List<ColumnInfo> columns)
    {
        if (columns.Count == 0)
            return [];
        var sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.Count; i++)
        {
            string c = SqliteName(columns[i].Name);
            if (i > 0)
                sql.Append(", ");
            sql.Append($"coalesce(sum({c} IS NULL), 0), coalesce(sum(typeof({c}) NOT IN ('integer', 'null')), 0), coalesce(sum(typeof({c}) NOT IN ('integer', 'real', 'null')), 0)");
        }
        sql.Append(" FROM ").Append(SqliteName(table.Name));
        var r = dataset.ExecuteSql(sql.ToString(), new SqlOptions { TimeLimit = TimeSpan.FromHours(1), MaxRows = 1 });
        var row = r.Rows[0];
        return Enumerable.Range(0, columns.Count)
            .Select(i => (Convert.ToInt64(row[3 * i]), Convert.ToInt64(row[3 * i + 1]), Convert.ToInt64(row[3 * i + 2])))
            .ToList();
    }

    private static string SqliteName(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>The columns' declaration for CREATE TABLE.</summary>
    public static string Declaration(IReadOnlyList<PushColumn> columns) =>
        string.Join(",\n    ", columns.Select(c => $"{Sql.ClickHouseSql.Identifier(c.Name)} {c.Spec.Type}"));
}
