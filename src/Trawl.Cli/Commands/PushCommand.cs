using System.CommandLine;
using System.Globalization;
using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Store;
using Trawl.Store.Datasets;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl push DATASET clickhouse://HOST:8123/DB</c>: copies a table and its vector sets into ClickHouse.</summary>
internal static class PushCommand
{
    private static readonly ProgressView<PushProgress> View = new(
        BarText: (p, e) => $"{p.Stage} {IngestProgressDisplay.Count(p.RowsDone)}/{IngestProgressDisplay.Count(p.RowsTotal)} rows {Rate(p, e)}",
        LineText: (p, e) => $"{p.Stage}: {p.RowsDone.ToString("N0", CultureInfo.InvariantCulture)} of {p.RowsTotal.ToString("N0", CultureInfo.InvariantCulture)} rows"
            + $" ({p.RowsSkipped.ToString("N0", CultureInfo.InvariantCulture)} pushed before), {Mb(p.BytesSent)} MB sent, {Rate(p, e)}",
        Amount: p => p.RowsTotal > 0 ? (p.RowsDone, p.RowsTotal) : null,
        BarWidth: 16,
        Refresh: TimeSpan.FromMilliseconds(150));

    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var target = new Argument<string>("TARGET") { Description = "The ClickHouse server and database: clickhouse://HOST[:8123]/DB (HTTP interface; the database must exist)." };
        var table = new Option<string?>("--table") { Description = "The ClickHouse table to create or fill (default: the dataset table's name).", HelpName = "NAME" };
        var source = new Option<string?>("--source-table") { Description = "The dataset table to push (default: the first).", HelpName = "NAME" };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "A cluster in the server's remote_servers: a MergeTree table NAME_local is made on every host of it (same HTTP port, same database) "
                + "and a Distributed table NAME over them, sharded by row id.",
            HelpName = "CLUSTER",
        };
        var columns = new Option<string?>("--columns") { Description = "Dataset columns to push, comma-separated, in this order (default: all). The row id always comes first as id.", HelpName = "A,B,..." };
        var vectors = new Option<string?>("--vectors") { Description = "Vector sets to push, comma-separated (default: all of the table's; \"\" for none). Each becomes a column SET_embedding (see --vector-type).", HelpName = "SET,..." };
        var vectorType = new Option<PushVectorType>("--vector-type")
        {
            Description = "The vector columns' element type: auto (BFloat16 on servers that have it, 25.8 and later, else Float32), "
                + "float32 (Array(Float32) everywhere: the ClickHouse guide's table, f32 sets copied exactly), or bfloat16 (half the bytes, "
                + "8 significant bits; an error on older servers).",
            DefaultValueFactory = _ => PushVectorType.Auto,
            HelpName = "auto|float32|bfloat16",
        };
        var vectorIndex = new Option<bool>("--vector-index")
        {
            Description = "Create the table with a vector_similarity('hnsw', ...) index on each vector column, by the set's metric "
                + "(cosine or l2), so kNN on it is approximate and fast (servers 25.8 and later; an error on older ones).",
        };
        var textIndex = new Option<PushTextIndex>("--text-index")
        {
            Description = "A full-text (text) index on the search columns (caption/text, else every text column), which searches then read "
                + "instead of scanning: auto (on servers that have it, 26.2 and later), on (an error on older servers), off.",
            DefaultValueFactory = _ => PushTextIndex.Auto,
            HelpName = "auto|on|off",
        };
        var user = new Option<string?>("--user") { Description = "ClickHouse user (default: the URI's user, else default).", HelpName = "USER" };
        var passwordFile = new Option<string?>("--password-file") { Description = "A file whose first line is the password (never on the command line).", HelpName = "FILE" };
        var blockRows = CommonOptions.PositiveInt("--block-rows", 65_536, "Rows per INSERT; also the unit a re-run resumes by.");
        var json = CommonOptions.Json("the push report");

        var command = new Command("push", "Push a dataset table and its vector sets to a ClickHouse server or cluster (MergeTree ordered by row id, RowBinary over HTTP). "
            + "Re-running after an interruption resumes: blocks already there are skipped, nothing is duplicated; counts are checked at the end.")
        {
            dataset, target, table, source, cluster, columns, vectors, vectorType, vectorIndex, textIndex, user, passwordFile, blockRows, json,
        };
        command.SetAction(parse =>
        {
            using Dataset ds = Dataset.Open(parse.GetValue(dataset)!);
            var uri = ClickHouseUri.Parse(parse.GetValue(target)!);
            if (parse.GetValue(user) is { } u)
                uri = uri with { User = u };
            string? password = ReadPassword(parse.GetValue(passwordFile));
            using var engine = ClickHouseHttpEngine.Open(uri, password);
            var request = new PushRequest
            {
                SourceTable = parse.GetValue(source),
                TargetTable = parse.GetValue(table),
                Cluster = parse.GetValue(cluster),
                Columns = SplitList(parse.GetValue(columns)),
                VectorSets = SplitList(parse.GetValue(vectors)),
                BlockRows = parse.GetValue(blockRows),
                VectorType = parse.GetValue(vectorType),
                VectorIndex = parse.GetValue(vectorIndex),
                TextIndex = parse.GetValue(textIndex),
            };
            PushReport report = WorkProgress.Run(terminal, View, (progress, cancel) =>
                DatasetPush.Run(engine, ds, request, host => ClickHouseHttpEngine.Open(uri with { Host = host }, password), progress, cancel));

            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("target", uri.ToString());
                    w.WriteString("table", report.Table);
                    if (report.LocalTable is not null)
                        w.WriteString("local_table", report.LocalTable);
                    w.WriteStartArray("columns");
                    foreach (var c in report.Columns)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", c.Name);
                        w.WriteString("type", c.Type);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("text_index");
                    foreach (string c in report.TextIndexed)
                        w.WriteStringValue(c);
                    w.WriteEndArray();
                    w.WriteNumber("rows_pushed", report.RowsPushed);
                    w.WriteNumber("rows_already_there", report.RowsAlreadyThere);
                    w.WriteNumber("rows_in_table", report.RowsInTable);
                    w.WriteNumber("bytes_sent", report.BytesSent);
                    w.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
                    w.WriteEndObject();
                });
                return CliExitCode.Ok;
            }
            var c = CultureInfo.InvariantCulture;
            terminal.Out.WriteLine($"pushed {report.RowsPushed.ToString("N0", c)} rows ({Mb(report.BytesSent)} MB) to {uri} table {report.Table}"
                + (report.LocalTable is null ? "" : $" (Distributed over {report.LocalTable} on cluster {request.Cluster})")
                + $" in {report.Elapsed.TotalSeconds.ToString("0.0", c)} s"
                + (report.RowsAlreadyThere > 0 ? $"; {report.RowsAlreadyThere.ToString("N0", c)} rows were there from an earlier run" : "")
                + $"; the table holds {report.RowsInTable.ToString("N0", c)} rows, as the dataset does");
            return CliExitCode.Ok;
        });
        return command;
    }

    private static IReadOnlyList<string>? SplitList(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? ReadPassword(string? file)
    {
        if (file is null)
            return null;
        try
        {
            return File.ReadLines(file).FirstOrDefault() ?? "";
        }
        catch (IOException e)
        {
            throw new UserErrorException($"{file}: cannot read the password file ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"{file}: cannot read the password file ({e.Message})", e);
        }
    }

    private static string Rate(PushProgress p, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? $"{IngestProgressDisplay.Count((long)((p.RowsDone - p.RowsSkipped) / elapsed.TotalSeconds))}/s" : "";

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
