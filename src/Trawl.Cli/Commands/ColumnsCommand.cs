using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Store.Columns;
using System.CommandLine;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl columns DATASET</c>: builds, extends or repairs the column files the query engine reads.</summary>
internal static class ColumnsCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var table = new Option<string?>("--table") { Description = "Only this table (default: every table).", HelpName = "TABLE" };
        var json = CommonOptions.Json("what was built per table");
        var command = new Command("columns",
            "Build or bring up to date the column files (columns/) that answer facets, filters, sorts, histograms and ranked search "
            + "from memory-mapped arrays: for datasets made before they existed, or to repair damaged ones. Ingest keeps them up to date by itself.")
        {
            dataset, table, json,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(dataset)!;
            var reports = WorkProgress.Run(terminal, View, (progress, cancel) =>
                DatasetColumns.Update(path, parse.GetValue(table), (t, rows) => progress.Report(new ColumnsProgress(t, rows)), cancel));
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartArray();
                    foreach (var r in reports)
                    {
                        w.WriteStartObject();
                        w.WriteString("table", r.Table);
                        w.WriteNumber("rows", r.Rows);
                        w.WriteNumber("rows_written", r.RowsWritten);
                        w.WriteNumber("bytes", r.Bytes);
                        w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
                        w.WriteBoolean("ranking", r.Ranking);
                        w.WriteStartObject("columns");
                        foreach (var (name, encodings) in r.Encodings)
                        {
                            w.WriteStartArray(name);
                            foreach (var e in encodings)
                                w.WriteStringValue(e.ToString().ToLowerInvariant());
                            w.WriteEndArray();
                        }
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
                return CliExitCode.Ok;
            }
            foreach (var r in reports)
            {
                terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{CellText.Sanitize(r.Table)}: {r.Rows:N0} rows ({r.RowsWritten:N0} written), {r.Encodings.Count} columns, "
                    + $"{(r.Ranking ? "ranked search, " : "")}{r.Bytes / 1048576.0:N1} MiB, {r.Elapsed.TotalSeconds:N1} s"));
            }
            return CliExitCode.Ok;
        });
        return command;
    }

    private sealed record ColumnsProgress(string Table, long Rows);

    private static readonly ProgressView<ColumnsProgress> View = new(
        BarText: (p, _) => $"{p.Table}: {p.Rows:N0} rows",
        LineText: (p, t) => $"columns: {p.Table}: {p.Rows:N0} rows after {t.TotalSeconds:N0} s",
        Amount: _ => null,
        BarWidth: 24,
        Refresh: TimeSpan.FromMilliseconds(200));
}
