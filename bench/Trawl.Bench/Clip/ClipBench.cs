using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Trawl.Clip.Encoders;
using Trawl.Clip.Images;
using Trawl.Formats.NumPy;
using Trawl.Vectors;
using Trawl.Vectors.Search;

namespace Trawl.Bench.Clip;

/// <summary>
/// <c>clip [--dir /tmp/trawl-clip-bench] [--texts 128] [--images 48] [--threads 2] [--batch 16] [--n 1000000] [--queries 20]</c>:
/// CLIP encoding speed with a ViT-B/32-shaped model of random weights (generated into --dir by the fixture script,
/// about 600 MB, never committed) against PyTorch on CPU with the same weights, threads and batches, same run; and the
/// latency of a text search by meaning over --n vectors (encode + exact kNN, p50). Prints JSON lines
/// {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class ClipBench
{
    private const string Python = "/usr/bin/python3";

    public static int Run(string[] args)
    {
        string dir = Arg(args, "--dir", "/tmp/trawl-clip-bench");
        int texts = int.Parse(Arg(args, "--texts", "128"), CultureInfo.InvariantCulture);
        int images = int.Parse(Arg(args, "--images", "48"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg(args, "--batch", "16"), CultureInfo.InvariantCulture);
        int n = int.Parse(Arg(args, "--n", "1000000"), CultureInfo.InvariantCulture);
        int queries = int.Parse(Arg(args, "--queries", "20"), CultureInfo.InvariantCulture);
        string fixtures = FindFixtures();
        if (!File.Exists(Path.Combine(dir, "weights.pt")))
        {
            Console.Error.WriteLine($"clip bench: generating a ViT-B/32-shaped random model into {dir} ...");
            RunProcess(Python, $"\"{Path.Combine(fixtures, "make_tiny_clip.py")}\" --shape vit-b-32 --out \"{dir}\"");
        }

        using var encoder = ClipEncoder.Open(dir, new ClipEncoderOptions { Threads = threads, BatchSize = batch });
        var rng = new Random(11);
        string[] words = ["a", "photo", "of", "cat", "dog", "red", "sofa", "beach", "sunset", "painting", "city", "street", "mountain", "snow", "portrait", "woman", "man", "car", "house", "flowers"];
        var textList = Enumerable.Range(0, texts).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(5, 16)).Select(_ => words[rng.Next(words.Length)]))).ToList();
        var imageList = Enumerable.Range(0, images).Select(_ =>
        {
            var px = new byte[224 * 224 * 3];
            rng.NextBytes(px);
            return new RgbImage(224, 224, px);
        }).ToList();

        // The same inputs for PyTorch: token ids and normalised pixels.
        var ids = new long[texts * 77];
        for (int i = 0; i < texts; i++) encoder.Tokenizer!.Tokenize(textList[i], ids.AsSpan(i * 77, 77));
        NpyFile.Write<long>(Path.Combine(dir, "bench_ids.npy"), ids, texts, 77);
        var pixels = new float[images * 3 * 224 * 224];
        for (int i = 0; i < images; i++) encoder.Preprocessor.Normalize(imageList[i], pixels.AsSpan(i * 3 * 224 * 224, 3 * 224 * 224));
        NpyFile.Write<float>(Path.Combine(dir, "bench_pixels.npy"), pixels, images, 3, 224, 224);

        Console.Error.WriteLine($"clip bench: {texts} texts, {images} images of 224 px, {threads} threads, batch {batch}, load {Load()}");
        var torch = JsonDocument.Parse(RunProcess(Python, $"\"{Path.Combine(AppContext.BaseDirectory, "Clip", "torch_clip_bench.py")}\" \"{dir}\" \"{fixtures}\" {threads} {batch}")).RootElement;

        encoder.EncodeTexts(textList.Take(2).ToList());
        encoder.EncodeImages(imageList.Take(2).ToList());
        var clock = Stopwatch.StartNew();
        var textVectors = encoder.EncodeTexts(textList);
        double textsPerS = texts / clock.Elapsed.TotalSeconds;
        clock.Restart();
        encoder.EncodeImages(imageList);
        double imagesPerS = images / clock.Elapsed.TotalSeconds;
        double torchTexts = torch.GetProperty("texts_per_s").GetDouble(), torchImages = torch.GetProperty("images_per_s").GetDouble();
        double check = 0;
        var torchFirst = torch.GetProperty("check_text0").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int d = 0; d < 4; d++) check = Math.Max(check, Math.Abs(torchFirst[d] - textVectors[d]));
        Emit("texts/s (tokenize + text tower, ViT-B/32 shape)", textsPerS, "texts/s", $"PyTorch {torch.GetProperty("torch").GetString()} CPU, same weights/threads/batch", torchTexts);
        Emit("images/s (224 px normalise + vision tower, ViT-B/32 shape)", imagesPerS, "images/s", "PyTorch CPU, same weights/threads/batch (tensor input)", torchImages);
        Emit("first text vector, max |ours - PyTorch| over 4 components", check, "abs", null, null);

        // Text search by meaning over n vectors: encode one text + exact kNN (f16, 512-d), p50 of the queries.
        var matrix = RandomUnitF16(n, encoder.Dimension, 3);
        var search = ExactSearch.Create(matrix, VectorMetric.InnerProduct);
        var times = new List<double>();
        for (int q = 0; q < queries + 2; q++)
        {
            clock.Restart();
            var v = encoder.EncodeTexts([textList[q % texts]]);
            search.Search(v, 10);
            if (q >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Emit($"text search by meaning over {n:N0} vectors (encode + exact kNN f16, k=10), p50", times[times.Count / 2], "ms", null, null);
        return 0;
    }

    private static VectorMatrix RandomUnitF16(int n, int dim, int seed)
    {
        var data = new Half[(long)n * dim];
        var rng = new Random(seed);
        var row = new float[dim];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int d = 0; d < dim; d++) { row[d] = (float)(rng.NextDouble() * 2 - 1); s += row[d] * row[d]; }
            float inv = (float)(1 / Math.Sqrt(s));
            for (int d = 0; d < dim; d++) data[(long)i * dim + d] = (Half)(row[d] * inv);
        }
        return VectorMatrix.FromFloat16(data, dim);
    }

    internal static void Emit(string what, double figure, string unit, string? reference, double? referenceFigure)
    {
        var line = new Dictionary<string, object?>
        {
            ["bench"] = "clip", ["what"] = what, ["figure"] = Math.Round(figure, 3), ["unit"] = unit,
            ["reference"] = reference, ["reference_figure"] = referenceFigure is { } r ? Math.Round(r, 3) : null,
            ["ratio"] = referenceFigure is { } rf && rf > 0 ? Math.Round(figure / rf, 3) : null,
        };
        Console.WriteLine(JsonSerializer.Serialize(line));
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    internal static string FindFixtures()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string f = Path.Combine(d.FullName, "tests", "Trawl.Clip.Tests", "Fixtures");
            if (File.Exists(Path.Combine(f, "make_tiny_clip.py"))) return f;
        }
        throw new ArgumentException("cannot find tests/Trawl.Clip.Tests/Fixtures (run from the repository)");
    }

    private static string RunProcess(string exe, string arguments)
    {
        var psi = new ProcessStartInfo(exe, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {arguments} failed: {err.Result}");
        return output.Trim().Split('\n').Last();
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
