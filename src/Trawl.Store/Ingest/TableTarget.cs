using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// The table an ingest loads into: finds it (or clears it for --replace), creates it from the first batch of the
/// first source (types inferred, roles guessed, search columns chosen), adds columns a later source brings, and
/// checks once per source that every column the plan names exists. Knows where each table column's values come
/// from in a source (<see cref="Bind"/>).
/// </summary>
internal sealed class TableTarget
{
    private static readonly string[] CaptionNames = ["caption", "text", "description"];

    private readonly SqliteConnection _conn;
    private readonly sqlite3 _db;
    private readonly IngestPlan _plan;

    public TableTarget(SqliteConnection conn, IngestPlan plan)
    {
        _conn = conn;
        _db = conn.Handle!;
        _plan = plan;
        Name = plan.Table;
    }

    public string Name { get; private set; }
    public List<TargetColumn> Columns { get; private set; } = [];
    public List<string> SearchColumns { get; private set; } = [];
    public string? PrimaryKey { get; private set; }
    public string? FtsTable { get; set; }
    /// <summary>The table exists (it did before, or the first source created it).</summary>
    public bool Ready { get; private set; }
    /// <summary>Rows in the table before this ingest (0 when created or replaced).</summary>
    public long RowsBefore { get; private set; }
    /// <summary>The rowid of the first row this ingest adds.</summary>
    public long FirstNewRowid { get; private set; }
    public List<string> ColumnsAdded { get; } = [];

    /// <summary>Before any source: finds the table, applies --replace, checks what an append may not change.</summary>
    public void Prepare()
    {
        var existing = Bookkeeping.ReadTables(_conn).FirstOrDefault(x => x.Name.Equals(Name, StringComparison.OrdinalIgnoreCase));
        bool inSchema = RawSql.ScalarInt64(_conn, $"SELECT count(*) FROM sqlite_master WHERE lower(name) = lower({SqlNames.Literal(Name)})") > 0;
        if (existing is null && inSchema)
        {
            if (_plan.Mode != IngestMode.Replace)
                throw new UserErrorException($"the dataset already has a table or index named '{Name}' that Trawl did not create; choose another --table or use --replace");
            RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(Name)}");
        }
        if (existing is null)
            return;
        Name = existing.Name;
        switch (_plan.Mode)
        {
            case IngestMode.Create:
                // Re-running a part ingest (--vectors) with more parts continues it: the parts it holds are skipped.
                if (_plan.IsPartIngest && _plan.Sources.Any(s => Bookkeeping.HasSource(_conn, existing.Name, s)))
                    break;
                throw new UserErrorException($"table '{Name}' already exists in this dataset; use --append to add rows to it or --replace to load it afresh");
            case IngestMode.Replace:
                if (existing.FtsTable is not null)
                    RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(existing.FtsTable)}");
                RawSql.Execute(_db, $"DROP TABLE IF EXISTS {SqlNames.Quote(Name)}");
                Bookkeeping.DeleteTable(_conn, Name);
                return;
        }

        // Append: keep the table's columns, search settings and key.
        var types = ReadDeclaredTypes(Name);
        Columns = existing.Columns.Select(c => new TargetColumn(c.Name, types.GetValueOrDefault(c.Name, c.SqlType), c.Role)).ToList();
        SearchColumns = existing.SearchColumns.ToList();
        FtsTable = existing.FtsTable;
        PrimaryKey = existing.PrimaryKey;
        if (_plan.PrimaryKey is not null && !string.Equals(_plan.PrimaryKey, PrimaryKey, StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"table '{Name}' has primary key {(PrimaryKey is null ? "none" : "'" + PrimaryKey + "'")}; --pk cannot change it when appending (use --replace)");
        if (_plan.SearchColumns is not null && !_plan.SearchColumns.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(SearchColumns.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase))
            throw new UserErrorException($"table '{Name}' searches [{string.Join(", ", SearchColumns)}]; the search columns cannot change when appending (use --replace)");
        FirstNewRowid = RawSql.ScalarInt64(_conn, $"SELECT coalesce(max(rowid) + 1, 0) FROM {SqlNames.Quote(Name)}");
        RowsBefore = existing.RowCount;
        Ready = true;
        CheckNamedColumns();
    }

    /// <summary>A source starts: creates the table from its first batch, or adds the columns it brings.</summary>
    public void Extend(TableSchema schema, ColumnBatch first)
    {
        if (!Ready)
            Create(schema, first);
        else
            AddNewColumns(schema, first);
    }

    /// <summary>For each table column, the lane of this source's batches that fills it; derived columns get lanes after
    /// the source's own (<paramref name="derivedSources"/>[k] is the source lane derived lane k is computed from).
    /// Lanes computed by SQL have -1 there, in the order of <paramref name="expressions"/>.</summary>
    public List<BoundColumn> Bind(TableSchema schema, out int[] derivedSources, out List<DerivedColumnSpec> expressions)
    {
        var bound = new List<BoundColumn>();
        var derived = new List<int>();
        expressions = [];
        foreach (var c in Columns)
        {
            if (c.Expression is { } spec)
            {
                if (spec.Kind == DerivedColumnKind.Convert && SourceIndex(schema, c.Name) < 0)
                    continue;
                bound.Add(new BoundColumn(c, schema.Count + derived.Count));
                derived.Add(-1);
                expressions.Add(spec);
            }
            else if (c.DomainOf is not null)
            {
                int s = schema.IndexOf(c.DomainOf);
                if (s < 0)
                    continue;
                bound.Add(new BoundColumn(c, schema.Count + derived.Count));
                derived.Add(s);
            }
            else
            {
                int s = SourceIndex(schema, c.Name);
                if (s >= 0)
                    bound.Add(new BoundColumn(c, s));
            }
        }
        derivedSources = derived.ToArray();
        return bound;
    }

    public TargetColumn? FindColumn(string name) =>
        Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private Dictionary<string, SqlType> ReadDeclaredTypes(string table)
    {
        var types = new Dictionary<string, SqlType>(StringComparer.OrdinalIgnoreCase);
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = $"SELECT name, type FROM pragma_table_info({SqlNames.Literal(table)})";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            types[r.GetString(0)] = SqlTypes.Parse(r.GetString(1));
        return types;
    }

    private void Create(TableSchema schema, ColumnBatch first)
    {
        int n = first.RowCount;
        foreach (var c in schema.Columns)
        {
            int i = schema.IndexOf(c.Name);
            var type = TypeInference.Infer(c.Type, first[i], n);
            Columns.Add(new TargetColumn(TargetName(c.Name), type, ColumnRoleGuesser.Guess(c.Name, type, first[i], n, IsDerivedTokenCount(c.Name))));
        }
        AddDerivedColumns(schema, first);

        SearchColumns = ChooseSearchColumns(schema, first);
        if (SearchColumns.Count > 0)
        {
            var caption = FindColumn(SearchColumns[0])!;
            if (caption.Role == ColumnRole.None)
                caption.Role = ColumnRole.Caption;
        }
        if (_plan.PrimaryKey is { } pk)
            PrimaryKey = FindColumn(pk)?.Name ?? throw new UserErrorException($"--pk: no column '{pk}' in {Path.GetFileName(_plan.Sources[0])} (columns: {ColumnList()})");
        CheckNamedColumns();

        var sql = new StringBuilder($"CREATE TABLE {SqlNames.Quote(Name)} (\"rowid\" INTEGER PRIMARY KEY");
        foreach (var c in Columns)
            sql.Append(", ").Append(SqlNames.Quote(c.Name)).Append(' ').Append(SqlTypes.Name(c.Type));
        sql.Append(')');
        RawSql.Execute(_db, sql.ToString());
        if (PrimaryKey is not null)
            RawSql.Execute(_db, $"CREATE UNIQUE INDEX {SqlNames.Quote("idx_" + Name + "_" + PrimaryKey)} ON {SqlNames.Quote(Name)} ({SqlNames.Quote(PrimaryKey)})");
        Ready = true;
        FirstNewRowid = 0;
    }

    private void AddDerivedColumns(TableSchema schema, ColumnBatch first)
    {
        var sqlColumns = new List<(DerivedColumnSpec Spec, TargetColumn? Known)>();
        foreach (var spec in _plan.Derived)
        {
            if (spec.Kind == DerivedColumnKind.Domain && schema.IndexOf(spec.SourceColumn) < 0)
                throw new UserErrorException($"--derive {spec.Name}=domain({spec.SourceColumn}): no column '{spec.SourceColumn}' in the source (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})");
            if (spec.Kind == DerivedColumnKind.Convert)
            {
                if (SourceIndex(schema, spec.SourceColumn) < 0)
                {
                    // A later source may lack the column; the first must have it.
                    if (!Ready)
                        throw new UserErrorException($"--convert {spec.Name}: no column '{spec.SourceColumn}' in the source (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})");
                    continue;
                }
                sqlColumns.Add((spec, FindColumn(spec.SourceColumn)));
                continue;
            }
            var known = FindColumn(spec.Name);
            if (known is not null && !known.IsDerived && !Ready)
                throw new UserErrorException($"--derive {spec.Name}: the source already has a column named '{spec.Name}'");
            if (spec.Kind == DerivedColumnKind.Expression)
            {
                sqlColumns.Add((spec, known));
                continue;
            }
            if (known is not null)
            {
                // An existing table's domain column is filled again from this source's URLs.
                known.DomainOf = spec.SourceColumn;
                known.Expression = null;
                continue;
            }
            var col = new TargetColumn(TargetName(spec.Name), SqlType.Text, ColumnRole.None) { DomainOf = spec.SourceColumn };
            Columns.Add(col);
            AddToTable(col);
        }
        if (sqlColumns.Count == 0)
            return;
        // The expressions are checked (and their types taken) on the first batch, before any row is written.
        SqlType[] types;
        using (var expressions = new DerivedExpressions(_db, schema, Columns, sqlColumns.Select(c => c.Spec).ToList(), TargetName))
            types = expressions.InferTypes(first);
        for (int k = 0; k < sqlColumns.Count; k++)
        {
            var (spec, known) = sqlColumns[k];
            if (known is not null)
            {
                known.Expression = spec;
                known.DomainOf = null;
                continue;
            }
            var col = new TargetColumn(TargetName(spec.Name), types[k], ColumnRole.None) { Expression = spec };
            Columns.Add(col);
            AddToTable(col);
        }
    }

    private void AddToTable(TargetColumn col)
    {
        if (!Ready)
            return;
        RawSql.Execute(_db, $"ALTER TABLE {SqlNames.Quote(Name)} ADD COLUMN {SqlNames.Quote(col.Name)} {SqlTypes.Name(col.Type)}");
        ColumnsAdded.Add(col.Name);
    }

    private void AddNewColumns(TableSchema schema, ColumnBatch first)
    {
        foreach (var c in schema.Columns)
        {
            string name = TargetName(c.Name);
            if (FindColumn(name) is not null)
                continue;
            int i = schema.IndexOf(c.Name);
            var type = TypeInference.Infer(c.Type, first[i], first.RowCount);
            var col = new TargetColumn(name, type, ColumnRoleGuesser.Guess(c.Name, type, first[i], first.RowCount, IsDerivedTokenCount(c.Name)));
            RawSql.Execute(_db, $"ALTER TABLE {SqlNames.Quote(Name)} ADD COLUMN {SqlNames.Quote(col.Name)} {SqlTypes.Name(col.Type)}");
            Columns.Add(col);
            ColumnsAdded.Add(col.Name);
        }
        AddDerivedColumns(schema, first);
        CheckNamedColumns();
    }

    private bool IsDerivedTokenCount(string column) =>
        _plan.Request.DerivedColumns.Any(d => d.Kind == Trawl.Formats.Derived.DerivedKind.TokenCount && d.Name.Equals(column, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every column --dedupe names is a column of the table (--index columns may come with a later source:
    /// they are checked after the last one).</summary>
    private void CheckNamedColumns()
    {
        foreach (string d in _plan.DedupeColumns)
        {
            if (FindColumn(d) is null)
                throw new UserErrorException($"--dedupe: no column '{d}' (columns: {ColumnList()})");
        }
    }

    public string ColumnList() => string.Join(", ", Columns.Select(x => x.Name));

    private List<string> ChooseSearchColumns(TableSchema schema, ColumnBatch first)
    {
        if (_plan.SearchColumns is { } asked)
        {
            var chosen = new List<string>();
            foreach (string s in asked)
            {
                var col = FindColumn(s) ?? throw new UserErrorException($"--search: no column '{s}' (columns: {ColumnList()})");
                if (col.Type != SqlType.Text)
                    throw new UserErrorException($"--search: column '{col.Name}' holds {SqlTypes.Name(col.Type)} values, not text");
                chosen.Add(col.Name);
            }
            return chosen;
        }
        foreach (string name in CaptionNames)
        {
            var col = Columns.FirstOrDefault(c => !c.IsDerived && c.Type == SqlType.Text && c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (col is not null)
                return [col.Name];
        }
        // Otherwise the text column with the longest values on average: the one people would want to search.
        string? best = null;
        double bestLength = 0;
        foreach (var c in Columns)
        {
            int i = !c.IsDerived ? SourceIndex(schema, c.Name) : -1;
            if (i < 0 || c.Type != SqlType.Text || c.Role is ColumnRole.Url or ColumnRole.Image or ColumnRole.Video or ColumnRole.YouTube)
                continue;
            var values = first[i];
            long total = 0, letters = 0, visible = 0;
            int count = 0;
            for (int r = 0; r < first.RowCount; r++)
            {
                if (values.KindAt(r) == ValueKind.Text)
                {
                    var bytes = values.BytesAt(r);
                    total += bytes.Length;
                    count++;
                    foreach (byte b in bytes)
                    {
                        if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
                            continue;
                        visible++;
                        // Non-ASCII bytes count as letters: captions in other scripts are prose too.
                        if (b >= 0x80 || char.IsAsciiLetter((char)b))
                            letters++;
                    }
                }
            }
            // Prose is mostly letters; dates ("2013-11-14 16:28:13", COCO's date_captured), ids, numbers and file
            // names are not, and are no one's search column however long they are.
            if (visible == 0 || letters * 2 < visible)
                continue;
            double avg = count == 0 ? 0 : (double)total / count;
            if (avg > bestLength)
            {
                bestLength = avg;
                best = c.Name;
            }
        }
        return best is null ? [] : [best];
    }

    public static int SourceIndex(TableSchema schema, string targetName)
    {
        int i = schema.IndexOf(targetName);
        if (i >= 0 && TargetName(schema.Columns[i].Name).Equals(targetName, StringComparison.OrdinalIgnoreCase))
            return i;
        // A source column called "rowid" is stored as "rowid_" (rowid is the row's position).
        if (targetName.Equals("rowid_", StringComparison.OrdinalIgnoreCase))
            return schema.IndexOf("rowid");
        return -1;
    }

    public static string TargetName(string sourceName) =>
        sourceName.Equals("rowid", StringComparison.OrdinalIgnoreCase) ? "rowid_" :
        sourceName.Length == 0 ? "column" : sourceName;

    public static string ValidateTableName(string name)
    {
        if (name.StartsWith("_trawl_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--table: '{name}' is reserved (names starting with _trawl_ or sqlite_ are bookkeeping)");
        if (name.EndsWith("_fts", StringComparison.OrdinalIgnoreCase) || name.Contains("_fts_", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--table: '{name}' looks like a full-text index table; choose another name");
        return name;
    }

    /// <summary>"musiccaps-public.csv.gz" → "musiccaps_public": letters, digits and underscores only.</summary>
    public static string TableNameFromFile(string path)
    {
        string name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            name = name[..^3];
        name = Path.GetFileNameWithoutExtension(name);
        var sb = new StringBuilder();
        foreach (char ch in name)
        {
            bool ok = char.IsAsciiLetterOrDigit(ch) || ch == '_';
            if (ok)
                sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '_')
                sb.Append('_');
        }
        string result = sb.ToString().Trim('_');
        if (result.Length == 0)
            result = "data";
        if (char.IsAsciiDigit(result[0]))
            result = "t_" + result;
        if (result.EndsWith("_fts", StringComparison.OrdinalIgnoreCase))
            result += "_data";
        if (result.StartsWith("_trawl", StringComparison.OrdinalIgnoreCase) || result.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
            result = "t_" + result;
        return result;
    }
}
