using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Embedding;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Clip.Images;
using Trawl.Store;
using Trawl.Store.Embeddings;
using Trawl.Store.VectorSets;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl embed DATASET --model DIR --text COL | --image COL</c>: a CLIP vector set computed for every row of a table.</summary>
internal static class EmbedCommand
{
    /// <summary>Failures printed by the text report (the JSON lists up to <see cref="EmbedReport.MaxListedFailures"/>).</summary>
    private const int PrintedFailures = 10;

    public static Command Create(CliTerminal terminal)
    {
        var dataset = CommonOptions.Dataset();
        var model = ClipOptions.Model();
        var text = new Option<string?>("--text") { Description = "A column of texts (captions) to embed with the text encoder.", HelpName = "COLUMN" };
        var image = new Option<string?>("--image")
        {
            Description = "A column of images to embed with the image encoder: file paths (relative ones from --image-root), image blobs, "
                + "or image_shard for images kept in webdataset shards (a table ingested from .tar shards). URLs are not fetched.",
            HelpName = "COLUMN",
        };
        var vectors = new Option<string?>("--vectors") { Description = "Name of the vector set written (default: text or image, after the input).", HelpName = "NAME" };
        var table = CommonOptions.Table("its only table");
        var imageRoot = new Option<string?>("--image-root") { Description = "Folder relative image paths are read from (default: the current folder).", HelpName = "DIR" };
        var type = new Option<string>("--type") { Description = "How the vectors are stored: f16 (half the size, as LAION's) or f32.", HelpName = "TYPE", DefaultValueFactory = _ => "f16" };
        type.AcceptOnlyFromAmong("f16", "f32");
        var batch = CommonOptions.PositiveInt("--batch-size", 64, "Rows encoded together; each batch is saved before the next, so an interrupted run loses at most one.");
        OptionRange.Require(batch, 1, EmbedRequest.MaxBatchSize, $"--batch-size must be between 1 and {EmbedRequest.MaxBatchSize}");
        var maxPixels = new Option<long>("--max-pixels") { Description = "Images whose header declares more pixels are refused before decoding (counted as failed).", HelpName = "N", DefaultValueFactory = _ => ImageLimits.Default.MaxPixels };
        OptionRange.Require(maxPixels, 1, 1L << 40, "--max-pixels must be positive");
        var restart = new Option<bool>("--restart") { Description = "Discard the work an interrupted run left (by default it is resumed) and compute the set again, replacing one that exists." };
        var threads = ClipOptions.Threads();
        var json = CommonOptions.Json("the report");
        var command = new Command("embed",
            "Compute CLIP embeddings for every row of a table into a vector set (row i of the set is row i of the table). "
            + "Resumable: a run that is interrupted keeps what it finished and the next run with the same options goes on from there. "
            + "Rows without a value or whose image cannot be read get a zero vector and are reported.")
        {
            dataset, model, text, image, vectors, table, imageRoot, type, batch, maxPixels, restart, threads, json,
        };
        command.SetAction(parse =>
        {
            string? textColumn = parse.GetValue(text), imageColumn = parse.GetValue(image);
            if ((textColumn is null) == (imageColumn is null))
                throw new UserErrorException("give --text COLUMN or --image COLUMN (one of them)");
            var input = textColumn is not null ? EmbedInput.Text : EmbedInput.Image;
            var request = new EmbedRequest
            {
                DatasetPath = parse.GetValue(dataset)!,
                Table = parse.GetValue(table),
                Column = textColumn ?? imageColumn!,
                Input = input,
                VectorSet = parse.GetValue(vectors) ?? (input == EmbedInput.Text ? "text" : "image"),
                ElementType = VectorElementTypeNames.Parse(parse.GetValue(type)!),
                BatchSize = parse.GetValue(batch),
                ImageRoot = parse.GetValue(imageRoot),
                Restart = parse.GetValue(restart),
            };
            int batchSize = request.BatchSize;
            using var encoder = Trawl.Clip.Encoders.ClipEncoder.Open(parse.GetValue(model) ?? throw new UserErrorException("this needs a CLIP model: give --model DIR"),
                new Trawl.Clip.Encoders.ClipEncoderOptions
                {
                    Threads = Math.Max(0, parse.GetValue(threads)),
                    BatchSize = batchSize,
                    ImageLimits = new ImageLimits { MaxPixels = parse.GetValue(maxPixels) },
                });
            if (input == EmbedInput.Text && !encoder.CanEncodeText)
                throw new UserErrorException($"{encoder.Files.Folder} has no text model (text_model.onnx or model.onnx)");
            if (input == EmbedInput.Image && !encoder.CanEncodeImages)
                throw new UserErrorException($"{encoder.Files.Folder} has no vision model (vision_model.onnx or model.onnx)");
            var embeddingModel = new ClipEmbeddingModel(encoder);
            var r = WorkProgress.Run(terminal, EmbedProgressDisplay.View, (progress, cancel) => DatasetEmbedder.Run(request, embeddingModel, progress, cancel));
            if (parse.GetValue(json))
                WriteJson(terminal, r);
            else
                WriteText(terminal, r);
            return CliExitCode.Ok;
        });
        return command;
    }

    private static void WriteJson(CliTerminal terminal, EmbedReport r) => new JsonOutput(terminal.Out).WriteDocument(w =>
    {
        w.WriteStartObject();
        w.WriteString("table", r.Table);
        w.WriteString("column", r.Column);
        w.WriteString("vectors", r.VectorSet);
        w.WriteNumber("dimension", r.Dimension);
        w.WriteNumber("rows", r.Rows);
        w.WriteNumber("encoded", r.Encoded);
        w.WriteNumber("resumed", r.Resumed);
        w.WriteNumber("missing", r.Missing);
        w.WriteNumber("failed", r.Failed);
        w.WriteBoolean("already_complete", r.AlreadyComplete);
        w.WriteNumber("seconds", Math.Round(r.Seconds, 3));
        w.WriteStartArray("failures");
        foreach (var f in r.Failures)
        {
            w.WriteStartObject();
            w.WriteNumber("rowid", f.Rowid);
            w.WriteString("error", f.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteText(CliTerminal terminal, EmbedReport r)
    {
        var c = CultureInfo.InvariantCulture;
        if (r.AlreadyComplete)
        {
            terminal.Out.WriteLine($"vector set '{r.VectorSet}' already has a vector for each of the {r.Rows.ToString("N0", c)} rows of '{r.Table}'; nothing to do (--restart computes it again)");
            return;
        }
        terminal.Out.WriteLine($"vector set '{r.VectorSet}': {r.Rows.ToString("N0", c)} vectors of dimension {r.Dimension} for table '{r.Table}' from '{r.Column}' "
            + $"({r.Encoded.ToString("N0", c)} encoded now, {r.Resumed.ToString("N0", c)} by an earlier run; {r.Missing.ToString("N0", c)} without a value, "
            + $"{r.Failed.ToString("N0", c)} failed) in {r.Seconds.ToString("0.0", c)} s");
        foreach (var f in r.Failures.Take(PrintedFailures))
            terminal.Err.WriteLine("trawl: " + f.Reason);
        if (r.Failed > PrintedFailures)
            terminal.Err.WriteLine($"trawl: ... and {(r.Failed - PrintedFailures).ToString("N0", c)} more failures (--json lists up to {EmbedReport.MaxListedFailures})");
    }
}
