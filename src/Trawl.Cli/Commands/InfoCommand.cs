using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl info DATASET</c>: what a dataset holds.</summary>
internal static class InfoCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var json = CommonOptions.Json("the description");
        var command = new Command("info", "Describe a dataset: its tables, row counts, columns with their types and roles, full-text search columns, vector sets and size on disk.")
        {
            dataset, json,
        };
        command.SetAction(parse =>
        {
            using IDatasetSource ds = DatasetOpeners.Open(parse.GetValue(dataset)!);
            IReadOnlyList<TableInfo> tables = ds.ListTables();
            IReadOnlyList<VectorSetInfo> sets = ds.ListVectorSets();
            long size = ds.SizeOnDisk();
            if (parse.GetValue(json))
                WriteJson(terminal.Out, ds, tables, sets, size);
            else
                WriteText(terminal, ds, tables, sets, size);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void WriteText(CliTerminal terminal, IDatasetSource ds, IReadOnlyList<TableInfo> tables, IReadOnlyList<VectorSetInfo> sets, long size)
    {
        var c = CultureInfo.InvariantCulture;
        IAnsiConsole console = Screen.ForOut(terminal);
        console.WriteLine($"Dataset {CellText.Sanitize(ds.Name)} ({CellText.Sanitize(ds.Location)}), {IngestProgressDisplay.Bytes(size)} on disk, {tables.Count} table(s)");
        foreach (TableInfo t in tables)
        {
            console.WriteLine();
            string search = t.SearchColumns.Count > 0 ? string.Join(", ", t.SearchColumns) : "none";
            string pk = t.PrimaryKey ?? "rowid";
            console.WriteLine(CellText.Sanitize($"Table {t.Name}: {t.RowCount.ToString("N0", c)} rows; full-text search: {search}; key: {pk}"));
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("column").AddColumn("type").AddColumn("role").AddColumn("search");
            foreach (ColumnInfo col in t.Columns)
            {
                bool searched = t.SearchColumns.Contains(col.Name, StringComparer.OrdinalIgnoreCase);
                table.AddRow(
                    new Text(CellText.Sanitize(col.Name)),
                    new Text(col.SqlType.Name()),
                    new Text(col.Role == ColumnRole.None ? "" : RoleName(col.Role)),
                    new Text(searched ? "yes" : ""));
            }
            console.Write(table);
            WriteTokensText(console, ds, t);
        }
        if (sets.Count == 0)
            return;
        console.WriteLine();
        var vectors = new Table().Border(TableBorder.Rounded)
            .AddColumn("vector set").AddColumn("table").AddColumn("type").AddColumn("dimension").AddColumn("vectors").AddColumn("metric").AddColumn("file");
        foreach (VectorSetInfo v in sets)
        {
            vectors.AddRow(
                new Text(CellText.Sanitize(v.Name)), new Text(CellText.Sanitize(v.Table)), new Text(VectorElementTypeNames.Name(v.ElementType)),
                new Text(v.Dimension.ToString(c)), new Text(v.Count.ToString("N0", c)), new Text(VectorMetricNames.Name(v.Metric)), new Text(CellText.Sanitize(v.File)));
        }
        console.Write(vectors);
    }

    private static void WriteJson(TextWriter output, IDatasetSource ds, IReadOnlyList<TableInfo> tables, IReadOnlyList<VectorSetInfo> sets, long size) =>
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("name", ds.Name);
            w.WriteString("path", ds.Location);
            w.WriteNumber("size_bytes", size);
            w.WriteStartArray("tables");
            foreach (TableInfo t in tables)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteNumber("rows", t.RowCount);
                if (t.PrimaryKey is null) w.WriteNull("primary_key"); else w.WriteString("primary_key", t.PrimaryKey);
                if (t.FtsTable is null) w.WriteNull("fts_table"); else w.WriteString("fts_table", t.FtsTable);
                JsonOutput.WriteStrings(w, "search_columns", t.SearchColumns);
                w.WriteStartArray("columns");
                foreach (ColumnInfo col in t.Columns)
                {
                    w.WriteStartObject();
                    w.WriteString("name", col.Name);
                    w.WriteString("type", col.SqlType.Name());
                    w.WriteString("role", RoleName(col.Role));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteTokensJson(w, ds, t);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("vector_sets");
            foreach (VectorSetInfo v in sets)
            {
                w.WriteStartObject();
                w.WriteString("name", v.Name);
                w.WriteString("table", v.Table);
                w.WriteString("element_type", VectorElementTypeNames.Name(v.ElementType));
                w.WriteNumber("dimension", v.Dimension);
                w.WriteNumber("count", v.Count);
                w.WriteString("metric", VectorMetricNames.Name(v.Metric));
                w.WriteString("file", v.File);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    /// <summary>The sum of the table's token-count column and, per suggested facet, each value's rows and tokens.</summary>
    private static (string Column, long Total, List<FacetResult> Facets)? Tokens(IDatasetSource ds, TableInfo t)
    {
        if (t.TokenColumn is not { } tokens)
            return null;
        var all = new TableQuery { Table = t.Name };
        if (ds.Sum(all, tokens.Name) is not { } total)
            return null;
        var facets = ds.SuggestFacets(t.Name).Where(c => !c.Equals(tokens.Name, StringComparison.OrdinalIgnoreCase))
            .Select(c => ds.FacetWithSum(all, c, tokens.Name)).Where(f => f.SumColumn is not null).ToList();
        return (tokens.Name, total, facets);
    }

    private static void WriteTokensText(IAnsiConsole console, IDatasetSource ds, TableInfo t)
    {
        if (Tokens(ds, t) is not var (column, total, facets))
            return;
        var c = CultureInfo.InvariantCulture;
        console.WriteLine(CellText.Sanitize($"Tokens (sum of {column}): {total.ToString("N0", c)}"));
        foreach (FacetResult f in facets)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn(CellText.Sanitize(f.Column)).AddColumn("rows").AddColumn("tokens");
            foreach (FacetValue v in f.Values)
                table.AddRow(new Text(CellText.Sanitize(v.Value is null ? "(null)" : Convert.ToString(v.Value, c) ?? "")), new Text(v.Count.ToString("N0", c)), new Text(v.Sum?.ToString("N0", c) ?? ""));
            console.Write(table);
            if (f.Truncated)
                console.WriteLine("(more values not shown)");
        }
    }

    private static void WriteTokensJson(System.Text.Json.Utf8JsonWriter w, IDatasetSource ds, TableInfo t)
    {
        if (Tokens(ds, t) is not var (column, total, facets))
        {
            w.WriteNull("tokens");
            return;
        }
        w.WriteStartObject("tokens");
        w.WriteString("column", column);
        w.WriteNumber("total", total);
        w.WriteStartObject("by_facet");
        foreach (FacetResult f in facets)
        {
            w.WriteStartObject(f.Column);
            w.WriteBoolean("truncated", f.Truncated);
            w.WriteStartArray("values");
            foreach (FacetValue v in f.Values)
            {
                w.WriteStartObject();
                w.WritePropertyName("value");
                JsonOutput.WriteValue(w, v.Value);
                w.WriteNumber("rows", v.Count);
                w.WriteNumber("tokens", v.Sum ?? 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    internal static string RoleName(ColumnRole role) => role.ToString().ToLowerInvariant();
}
