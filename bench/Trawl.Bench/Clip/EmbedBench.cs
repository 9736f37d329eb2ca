using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.Cli.Embedding;
using Trawl.Clip.Encoders;
using Trawl.Store.Embeddings;
using Trawl.Store.Ingest;

namespace Trawl.Bench.Clip;

/// <summary>
/// <c>clip-embed [--dir DIR] [--rows 20000] [--batch 64] [--threads 2]</c>: what <c>trawl embed</c> costs over the bare
/// encoder. A table of --rows captions is embedded with the committed tiny CLIP by <see cref="DatasetEmbedder"/>
/// (streamed rows, a durable work file per batch, the set registered at the end) and, in the same run, the same
/// captions go through <see cref="ClipEncoder.EncodeTexts"/> in the same batches (the reference: no dataset, no
/// disk). The tiny model makes the encoder cheap, so the overhead is as visible as it can be. Prints JSON lines.
/// </summary>
internal static class EmbedBench
{
    public static int Run(string[] args)
    {
        string dir = Arg(args, "--dir", Path.Combine(Path.GetTempPath(), "trawl-embed-bench"));
        int rows = int.Parse(Arg(args, "--rows", "20000"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg(args, "--batch", "64"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        string model = Path.Combine(ClipBench.FindFixtures(), "tiny-clip");
        Console.Error.WriteLine($"clip-embed bench: {rows:N0} captions, batch {batch}, {threads} threads, load {ClipBench.Load()}");

        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var rng = new Random(7);
        string[] words = ["a", "cat", "dog", "on", "the", "red", "sofa", "beach", "sunset", "photo", "of", "painting", "city", "street", "snow", "mountain"];
        var captions = Enumerable.Range(0, rows).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(5, 16)).Select(_ => words[rng.Next(words.Length)]))).ToArray();
        var csv = new StringBuilder("caption\n");
        foreach (string c in captions) csv.Append(c).Append('\n');
        string csvPath = Path.Combine(dir, "captions.csv");
        File.WriteAllText(csvPath, csv.ToString());
        string dataset = Path.Combine(dir, "d.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csvPath], Table = "t" });

        using var encoder = ClipEncoder.Open(model, new ClipEncoderOptions { Threads = threads, BatchSize = batch });
        encoder.EncodeTexts(captions[..batch]); // warm-up
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < rows; start += batch)
            encoder.EncodeTexts(captions[start..Math.Min(rows, start + batch)]);
        double bare = rows / clock.Elapsed.TotalSeconds;

        clock.Restart();
        var report = DatasetEmbedder.Run(new EmbedRequest { DatasetPath = dataset, Column = "caption", Input = EmbedInput.Text, VectorSet = "text", BatchSize = batch },
            new ClipEmbeddingModel(encoder));
        double embed = report.Rows / clock.Elapsed.TotalSeconds;
        ClipBench.Emit($"trawl embed --text over {rows:N0} rows (tiny CLIP, batch {batch}, {threads} threads), rows/s", embed, "rows/s",
            "ClipEncoder.EncodeTexts on the same captions and batches (no dataset, no work file)", bare);
        Console.Error.WriteLine($"load after: {ClipBench.Load()}");
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
