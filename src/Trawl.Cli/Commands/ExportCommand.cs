using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Formats.Parquet.Writing;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Export;
using Trawl.Store.Queries;

namespace Trawl.Cli.Commands;

/// <summary>
/// <c>trawl export DATASET --format parquet|csv|jsonl|laion|webdataset --out DIR</c>: writes the selected rows
/// (search, filters, --where) as part files (the work is in <see cref="DatasetExport"/>).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var table = CommonOptions.Table("the only table, else the first");
        var format = new Option<string>("--format") { Description = "parquet (part-00000.parquet …), csv, jsonl, laion (metadata/metadata_0000.parquet with img_emb/img_emb_0000.npy and every other vector set, row for row), webdataset (shard-00000.tar with KEY.json, KEY.txt and, when the table keeps images in local shards, KEY.jpg/.png/… with the image bytes) or sisap-h5 (emb-00000.h5 with dataset emb, and meta-00000.tsv).", DefaultValueFactory = _ => "parquet", HelpName = "FORMAT" };
        format.AcceptOnlyFromAmong("parquet", "csv", "jsonl", "laion", "webdataset", "sisap-h5");
        var output = new Option<string>("--out") { Description = "The folder to write; it must not exist or be empty (see --overwrite).", Required = true, HelpName = "DIR" };
        var partSize = new Option<long>("--part-size") { Description = "Rows per part file (or tar shard).", DefaultValueFactory = _ => 1_000_000, HelpName = "ROWS" };
        OptionRange.Require(partSize, 1, long.MaxValue, "--part-size must be at least 1");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an earlier Trawl export in --out (a folder holding other files is never emptied)." };
        var search = new Option<string?>("--search") { Description = "Only rows matching this full-text search.", HelpName = "TEXT" };
        var filters = new Option<string[]>("--filter") { Description = "Only rows passing COLUMN__OP=VALUE (ops: exact, not, contains, startswith, gt, gte, lt, lte, in, isnull), e.g. dup_of__isnull=1 for the deduplicated rows; repeatable.", HelpName = "COL__OP=VALUE" };
        var where = new Option<string?>("--where") { Description = "Only rows where this SQLite expression holds, e.g. \"width >= 512\".", HelpName = "SQL" };
        var sort = new Option<string?>("--sort") { Description = "Write rows ordered by this column (default: rowid).", HelpName = "COLUMN" };
        var descending = new Option<bool>("--desc") { Description = "With --sort: largest first." };
        var vectors = new Option<string[]>("--vectors") { Description = "laion: the vector sets to write (default: all of the table's); sisap-h5: the one set to write.", HelpName = "NAME" };
        var compression = new Option<string>("--compression") { Description = "Parquet compression: snappy, zstd or none.", DefaultValueFactory = _ => "snappy", HelpName = "CODEC" };
        compression.AcceptOnlyFromAmong("snappy", "zstd", "none");
        var rowGroup = new Option<int>("--row-group-size") { Description = "Parquet (and laion metadata): rows per row group, the unit readers skip by statistics and read in parallel; memory holds two row groups.", DefaultValueFactory = _ => new ParquetWriterOptions().RowGroupRows, HelpName = "ROWS" };
        OptionRange.Require(rowGroup, 1, int.MaxValue, "--row-group-size must be at least 1");
        var json = CommonOptions.Json("the report");

        var command = new Command("export", "Write the rows a search and filters select (e.g. the deduplicated view) as part files: Parquet, CSV, JSON Lines, the LAION/clip-retrieval layout with aligned .npy embeddings, webdataset tar shards, or the SISAP HDF5 layout.")
        {
            dataset, table, format, output, partSize, overwrite, search, filters, where, sort, descending, vectors, compression, rowGroup, json,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(dataset)!;
            string tableName;
            using (var ds = Dataset.Open(path))
                tableName = TableChoice.Resolve(ds, parse.GetValue(table), wantSearch: false).Name;
            var request = new ExportRequest
            {
                Query = new TableQuery
                {
                    Table = tableName,
                    Search = parse.GetValue(search),
                    Filters = (parse.GetValue(filters) ?? []).Select(ParseFilter).ToList(),
                    Where = parse.GetValue(where),
                    Sort = parse.GetValue(sort),
                    SortDescending = parse.GetValue(descending),
                },
                Format = parse.GetValue(format) switch
                {
                    "csv" => ExportFormat.Csv,
                    "jsonl" => ExportFormat.Jsonl,
                    "laion" => ExportFormat.Laion,
                    "webdataset" => ExportFormat.WebDataset,
                    "sisap-h5" => ExportFormat.SisapH5,
                    _ => ExportFormat.Parquet,
                },
                OutputFolder = parse.GetValue(output)!,
                PartRows = parse.GetValue(partSize),
                Overwrite = parse.GetValue(overwrite),
                Compression = parse.GetValue(compression) switch
                {
                    "zstd" => ParquetWriteCompression.Zstd,
                    "none" => ParquetWriteCompression.None,
                    _ => ParquetWriteCompression.Snappy,
                },
                RowGroupRows = parse.GetValue(rowGroup),
                VectorSets = parse.GetValue(vectors) is { Length: > 0 } v ? v : null,
            };
            var report = WorkProgress.Run(terminal, View, (progress, cancel) => DatasetExport.Run(path, request, progress, cancel));
            if (parse.GetValue(json)) WriteJson(terminal.Out, report);
            else
            {
                var c = CultureInfo.InvariantCulture;
                terminal.Out.WriteLine($"{report.Rows.ToString("N0", c)} rows in {report.Parts} part(s), {report.Files.Count} files, {(report.Bytes / 1048576.0).ToString("0.0", c)} MB in {report.Folder} ({report.Elapsed.TotalSeconds.ToString("0.0", c)} s)");
            }
            return CliExitCode.Ok;
        });
        return command;
    }

    private static ColumnFilter ParseFilter(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new UserErrorException($"--filter '{text}': write COLUMN__OP=VALUE, e.g. dup_of__isnull=1");
        var key = ColumnFilter.ParseKey(text[..eq])
            ?? throw new UserErrorException($"--filter '{text}': unknown operator (exact, not, contains, startswith, gt, gte, lt, lte, in, isnull)");
        return new ColumnFilter(key.Column, key.Op, text[(eq + 1)..]);
    }

    private static readonly ProgressView<ExportProgress> View = new(
        BarText: (p, _) => $"exporting {p.Rows.ToString("N0", CultureInfo.InvariantCulture)} of {p.Total.ToString("N0", CultureInfo.InvariantCulture)} rows",
        LineText: (p, _) => $"exported {p.Rows.ToString("N0", CultureInfo.InvariantCulture)} of {p.Total.ToString("N0", CultureInfo.InvariantCulture)} rows",
        Amount: p => p.Total > 0 ? (p.Rows, p.Total) : null,
        BarWidth: 24,
        Refresh: TimeSpan.FromMilliseconds(200));

    private static void WriteJson(TextWriter output, ExportReport r) =>
        new JsonOutput(output).WriteDocument(w =>
        {
            w.WriteStartObject();
            w.WriteString("folder", r.Folder);
            w.WriteString("format", r.Format.ToString().ToLowerInvariant());
            w.WriteNumber("rows", r.Rows);
            w.WriteNumber("parts", r.Parts);
            w.WriteNumber("bytes", r.Bytes);
            w.WriteStartArray("files");
            foreach (string f in r.Files) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
            w.WriteEndObject();
        });
}
