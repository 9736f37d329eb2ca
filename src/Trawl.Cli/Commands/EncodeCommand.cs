using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Formats.NumPy;
using Trawl.Store;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl encode --model DIR --text T | --image FILE</c>: CLIP embeddings of texts or images.</summary>
internal static class EncodeCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var model = ClipOptions.Model();
        var text = new Option<string[]>("--text") { Description = "A text to encode (repeat for several).", HelpName = "TEXT" };
        var image = new Option<string[]>("--image") { Description = "An image file to encode: JPEG, PNG, WebP or GIF (repeat for several).", HelpName = "FILE" };
        var output = new Option<string?>("--out") { Description = "Write the vectors to this float32 .npy (inputs × dimension) instead of printing them.", HelpName = "FILE.npy" };
        var threads = ClipOptions.Threads();
        var json = CommonOptions.Json("the vectors with their inputs");
        var command = new Command("encode", "CLIP embeddings (L2-normalised) of texts or images, printed as JSON arrays (one per line) or written to a .npy.")
        {
            model, text, image, output, threads, json,
        };
        command.SetAction(parse =>
        {
            var texts = parse.GetValue(text) ?? [];
            var images = parse.GetValue(image) ?? [];
            if ((texts.Length == 0) == (images.Length == 0))
                throw new UserErrorException("give --text TEXT or --image FILE (either, repeatable, not both)");
            using var encoder = ClipOptions.Open(parse.GetValue(model), parse.GetValue(threads));
            float[] vectors = texts.Length > 0 ? encoder.EncodeTexts(texts, terminal.Cancel) : encoder.EncodeImageFiles(images, terminal.Cancel);
            int n = Math.Max(texts.Length, images.Length), d = encoder.Dimension;
            if (parse.GetValue(output) is { } path)
            {
                NpyFile.Write<float>(path, vectors, n, d);
                terminal.Err.WriteLine($"{n} vector(s) of dimension {d} written to {path}");
                return CliExitCode.Ok;
            }
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("dimension", d);
                    w.WriteStartArray("vectors");
                    for (int i = 0; i < n; i++)
                    {
                        w.WriteStartObject();
                        w.WriteString(texts.Length > 0 ? "text" : "image", texts.Length > 0 ? texts[i] : images[i]);
                        w.WriteStartArray("embedding");
                        foreach (float v in vectors.AsSpan(i * d, d)) w.WriteNumberValue(v);
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return CliExitCode.Ok;
            }
            for (int i = 0; i < n; i++)
                terminal.Out.WriteLine("[" + string.Join(", ", vectors.AsSpan(i * d, d).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
            return CliExitCode.Ok;
        });
        return command;
    }
}
