using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkiaSharp;
using Trawl.Bench.Measurement;

namespace Trawl.Bench.Web;

/// <summary>
/// <c>web [--urls 100000] [--images 20000] [--distinct 1000] [--reference-images N] [--reference-urls N] [--dir /tmp/trawl-web]</c>: against a Kestrel server on
/// loopback in this process, <c>trawl inventory</c> over --urls URLs and <c>trawl download</c> of --images 1024x768
/// JPEGs to 256 px border mode, each run as a child process under /usr/bin/time (wall, user+system CPU, peak RSS);
/// then a Python PIL loop (Debian python3-pil) doing the same decode-resize-encode on the same files. The server
/// serves --distinct generated files cycled over the URLs (file i mod distinct), which the PIL loop reads in the
/// same order. Prints JSON lines {bench, what, figure, unit, reference, reference_figure, ratio}.
/// </summary>
internal static class WebBench
{
    private const string Python = "/usr/bin/python3";

    public static int Run(string[] args)
    {
        int urls = IntArg(args, "--urls", 100_000), images = IntArg(args, "--images", 20_000), distinct = IntArg(args, "--distinct", 1000);
        // The Python loops are single-process and slow on a loaded machine: they may run on fewer images (per-image figures compare).
        int referenceImages = IntArg(args, "--reference-images", images);
        // Likewise the httpx loop over the first --reference-urls URLs (0: not run); its rates are per URL.
        int referenceUrls = IntArg(args, "--reference-urls", urls);
        string dir = StringArg(args, "--dir", "/tmp/trawl-web");
        Directory.CreateDirectory(dir);
        string files = Path.Combine(dir, "files");
        byte[][] jpegs = Generate(files, distinct);
        string trawl = TrawlExecutable.Locate();
        Console.Error.WriteLine($"web bench: {urls:N0} URLs, {images:N0} images ({distinct} distinct 1024x768 JPEGs, {jpegs.Sum(j => (long)j.Length) / distinct / 1024} KB average), load {Load()}");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        using var app = builder.Build();
        app.MapMethods("/data/{i:int}.jsonl", [HttpMethods.Head], (HttpContext c, int i) =>
        {
            c.Response.ContentLength = 1000L + i;
            c.Response.ContentType = "application/json";
            return Task.CompletedTask;
        });
        app.MapGet("/img/{i:int}.jpg", (int i) => Results.Bytes(jpegs[i % distinct], "image/jpeg"));
        app.StartAsync().GetAwaiter().GetResult();
        string baseUrl = app.Urls.Single();

        if (urls > 0)
            Inventory(trawl, dir, baseUrl, urls, Math.Min(referenceUrls, urls));
        if (images > 0)
            Download(trawl, dir, files, baseUrl, images, distinct, Math.Min(referenceImages, images));
        Console.Error.WriteLine($"web bench done, load {Load()}");
        app.StopAsync().GetAwaiter().GetResult();
        return 0;
    }

    private static void Inventory(string trawl, string dir, string baseUrl, int urls, int referenceUrls)
    {
        string list = Path.Combine(dir, "urls.txt");
        File.WriteAllLines(list, Enumerable.Range(0, urls).Select(i => $"{baseUrl}/data/{i}.jsonl"));
        string sizes = Path.Combine(dir, "sizes.trawl");
        DeleteDataset(sizes);
        var inv = Timed(trawl, ["inventory", list, "--out", sizes, "--concurrency", "64", "--retries", "0", "--json"]);
        var invReport = JsonDocument.Parse(inv.Output).RootElement;
        if (invReport.GetProperty("answered").GetInt64() != urls)
            throw new InvalidOperationException($"inventory answered {invReport.GetProperty("answered")} of {urls} URLs");
        Emit("inventory URLs/s (HEAD, loopback, whole command incl. loading the dataset)", urls / inv.Wall, "URLs/s", "seed's httpx script over the internet (blog post)", 256, urls / inv.Wall / 256);
        Emit("inventory CPU per URL (client process, user+system)", inv.Cpu / urls * 1e6, "µs", null, null, null);
        Emit("inventory peak RSS", inv.PeakBytes / 1e6, "MB", null, null, null);

        // The seed's tool in the same run: an asyncio httpx HEAD loop (Debian python3-httpx), same concurrency, same server.
        if (referenceUrls == 0)
            Console.Error.WriteLine("web bench: --reference-urls 0, the httpx loop is skipped");
        else if (HasPythonModules("httpx"))
        {
            string script = Path.Combine(dir, "httpx_heads.py");
            File.WriteAllText(script, HttpxScript);
            string refList = Path.Combine(dir, "urls-reference.txt");
            File.WriteAllLines(refList, File.ReadLines(list).Take(referenceUrls));
            var hx = Timed(Python, [script, refList, "64"]);
            if (long.Parse(hx.Output.Trim(), CultureInfo.InvariantCulture) != Enumerable.Range(0, referenceUrls).Sum(i => 1000L + i))
                throw new InvalidOperationException("the httpx loop summed different sizes");
            double trawlRate = urls / inv.Wall, hxRate = referenceUrls / hx.Wall;
            double trawlCpu = inv.Cpu / urls * 1e6, hxCpu = hx.Cpu / referenceUrls * 1e6;
            Emit($"inventory URLs/s vs the seed's httpx HEAD loop on loopback (loop over {referenceUrls:N0} URLs)", trawlRate, "URLs/s", "asyncio httpx HEAD loop, concurrency 64, same server (sizes summed, nothing stored)", hxRate, trawlRate / hxRate);
            Emit("inventory CPU per URL vs the httpx loop", trawlCpu, "µs", "httpx loop CPU per URL", hxCpu, hxCpu / trawlCpu);
            Emit("httpx loop peak RSS", hx.PeakBytes / 1e6, "MB", null, null, null);
        }
        else
            Console.Error.WriteLine("web bench: python3-httpx missing, the httpx loop is skipped");
    }

    private const string HttpxScript = """
        import asyncio, sys
        import httpx

        async def main(path, concurrency):
            urls = open(path).read().split()
            total = 0
            gate = asyncio.Semaphore(concurrency)
            async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=concurrency)) as client:
                async def head(url):
                    nonlocal total
                    async with gate:
                        r = await client.head(url)
                        total += int(r.headers.get("content-length", 0))
                await asyncio.gather(*(head(u) for u in urls))
            print(total)

        asyncio.run(main(sys.argv[1], int(sys.argv[2])))
        """;

    private static void Download(string trawl, string dir, string files, string baseUrl, int images, int distinct, int referenceImages)
    {
        string csv = Path.Combine(dir, "images.csv");
        File.WriteAllLines(csv, ["url", .. Enumerable.Range(0, images).Select(i => $"{baseUrl}/img/{i}.jpg")]);
        string shards = Path.Combine(dir, "shards");
        if (Directory.Exists(shards))
            Directory.Delete(shards, true);
        string[] options = ["--url-column", "url", "--image-size", "256", "--resize-mode", "border", "--concurrency", "32", "--retries", "0", "--json"];
        // One image first: the fixed cost (start-up, JIT, SkiaSharp loading), taken off to give the marginal CPU per image.
        string one = Path.Combine(dir, "one.csv");
        File.WriteAllLines(one, ["url", $"{baseUrl}/img/0.jpg"]);
        string oneShards = Path.Combine(dir, "shards-one");
        if (Directory.Exists(oneShards))
            Directory.Delete(oneShards, true);
        var dlOne = Timed(trawl, ["download", one, "--out", oneShards, .. options]);
        var dl = Timed(trawl, ["download", csv, "--out", shards, .. options]);
        var dlReport = JsonDocument.Parse(dl.Output).RootElement;
        if (dlReport.GetProperty("successes").GetInt64() != images)
            throw new InvalidOperationException($"download: {dlReport.GetProperty("successes")} of {images} images succeeded");

        // PIL: the same decode, resize (longest side 256, draft mode for JPEG like our DCT scaling), white border, JPEG q95.
        string script = Path.Combine(dir, "pil_loop.py");
        File.WriteAllText(script, PilScript);
        var pilOne = Timed(Python, [script, files, "1", distinct.ToString(CultureInfo.InvariantCulture), "256"]);
        var pil = Timed(Python, [script, files, referenceImages.ToString(CultureInfo.InvariantCulture), distinct.ToString(CultureInfo.InvariantCulture), "256"]);
        double trawlRate = images / dl.Wall, pilRate = referenceImages / pil.Wall;
        double trawlCpu = dl.Cpu / images * 1e3, pilCpu = pil.Cpu / referenceImages * 1e3;
        double trawlMarginal = Marginal(dl, dlOne, images), pilMarginal = Marginal(pil, pilOne, referenceImages);
        Console.Error.WriteLine($"web bench: trawl download {images:N0} images, reference loops {referenceImages:N0} images; fixed cost trawl {dlOne.Cpu:0.00} s, PIL {pilOne.Cpu:0.00} s CPU");
        Emit("download + resize images/s (1024x768 JPEG -> 256 border, HTTP on loopback, all cores)", trawlRate, "images/s", "Python PIL loop on the same files (1 core, no HTTP)", pilRate, trawlRate / pilRate);
        Emit("download + resize CPU per image (client process, user+system)", trawlCpu, "ms", "Python PIL loop CPU per image", pilCpu, pilCpu / trawlCpu);
        Emit("download + resize marginal CPU per image (the one-image run's CPU taken off)", trawlMarginal, "ms", "Python PIL loop, same", pilMarginal, pilMarginal / trawlMarginal);
        Emit("download peak RSS", dl.PeakBytes / 1e6, "MB", "Python PIL loop peak RSS", pil.PeakBytes / 1e6, null);

        // img2dataset's own per-image work without HTTP (it cannot be installed here: see docs/BENCHMARKS.md): OpenCV
        // decode, INTER_AREA to the longest side, white border, imencode q95, sha256 and exifread, as its resizer and
        // downloader do. Run only when Debian's python3-opencv and python3-exifread are installed.
        if (HasPythonModules("cv2", "exifread"))
        {
            string cvScript = Path.Combine(dir, "cv2_loop.py");
            File.WriteAllText(cvScript, Cv2Script);
            var cvOne = Timed(Python, [cvScript, files, "1", distinct.ToString(CultureInfo.InvariantCulture), "256"]);
            var cv = Timed(Python, [cvScript, files, referenceImages.ToString(CultureInfo.InvariantCulture), distinct.ToString(CultureInfo.InvariantCulture), "256"]);
            double cvRate = referenceImages / cv.Wall, cvCpu = cv.Cpu / referenceImages * 1e3, cvMarginal = Marginal(cv, cvOne, referenceImages);
            Emit("download + resize images/s vs img2dataset's resize path", trawlRate, "images/s", "Python OpenCV loop as img2dataset's resizer + sha256 + exifread (1 process, no HTTP)", cvRate, trawlRate / cvRate);
            Emit("download + resize CPU per image vs img2dataset's resize path", trawlCpu, "ms", "OpenCV loop CPU per image", cvCpu, cvCpu / trawlCpu);
            Emit("download + resize marginal CPU per image vs img2dataset's resize path", trawlMarginal, "ms", "OpenCV loop, same", cvMarginal, cvMarginal / trawlMarginal);
            Emit("OpenCV loop peak RSS", cv.PeakBytes / 1e6, "MB", null, null, null);
        }
        else
            Console.Error.WriteLine("web bench: python3-opencv or python3-exifread missing, the OpenCV loop is skipped");
    }

    /// <summary>CPU milliseconds per item beyond the one-item run's (process start-up and first-use costs).</summary>
    private static double Marginal(TimedRun many, TimedRun one, int count) => count > 1 ? (many.Cpu - one.Cpu) / (count - 1) * 1e3 : many.Cpu * 1e3;

    private static bool HasPythonModules(params string[] modules)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import " + string.Join(", ", modules));
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    private const string Cv2Script = """
        import hashlib, io, json, logging, sys
        import cv2, numpy as np, exifread
        logging.disable(logging.CRITICAL)
        cv2.setNumThreads(1)
        folder, n, distinct, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        total = 0
        for i in range(n):
            with open(f"{folder}/{i % distinct}.jpg", "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
            h, w = img.shape[:2]
            s = size / max(w, h)
            img = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LANCZOS4)
            h2, w2 = img.shape[:2]
            top, left = (size - h2) // 2, (size - w2) // 2
            img = cv2.copyMakeBorder(img, top, size - h2 - top, left, size - w2 - left, cv2.BORDER_CONSTANT, value=[255, 255, 255])
            out = cv2.imencode(".jpg", img, params=[int(cv2.IMWRITE_JPEG_QUALITY), 95])[1].tobytes()
            exif = json.dumps({k: str(v).strip() for k, v in exifread.process_file(io.BytesIO(data), details=False).items() if v is not None})
            total += len(out) + len(digest) + len(exif)
        print(total)
        """;

    private const string PilScript = """
        import io, sys
        from PIL import Image
        folder, n, distinct, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        total = 0
        for i in range(n):
            with open(f"{folder}/{i % distinct}.jpg", "rb") as f:
                data = f.read()
            img = Image.open(io.BytesIO(data))
            img.draft("RGB", (size, size))
            img = img.convert("RGB")
            w, h = img.size
            s = size / max(w, h)
            img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BICUBIC)
            canvas = Image.new("RGB", (size, size), (255, 255, 255))
            canvas.paste(img, ((size - img.width) // 2, (size - img.height) // 2))
            out = io.BytesIO()
            canvas.save(out, "JPEG", quality=95)
            total += len(out.getvalue())
        print(total)
        """;

    private sealed record TimedRun(double Wall, double Cpu, long PeakBytes, string Output);

    /// <summary>Runs a command under /usr/bin/time: wall seconds, user+system CPU seconds, peak RSS, stdout.</summary>
    private static TimedRun Timed(string exe, IEnumerable<string> args)
    {
        string timeFile = Path.GetTempFileName();
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-f", "%e %U %S %M", "-o", timeFile, exe, .. args])
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        var parts = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
        File.Delete(timeFile);
        double P(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        return new TimedRun(P(0), P(1) + P(2), (long)P(3) * 1024, stdout);
    }

    private static byte[][] Generate(string folder, int distinct)
    {
        Directory.CreateDirectory(folder);
        var result = new byte[distinct][];
        Parallel.For(0, distinct, i =>
        {
            string path = Path.Combine(folder, i + ".jpg");
            if (File.Exists(path))
            {
                result[i] = File.ReadAllBytes(path);
                return;
            }
            var random = new Random(i);
            using var surface = SKSurface.Create(new SKImageInfo(1024, 768));
            var canvas = surface.Canvas;
            using (var paint = new SKPaint())
            {
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(1024, 768),
                    [new SKColor((byte)random.Next(256), (byte)random.Next(256), 90), new SKColor(30, (byte)random.Next(256), (byte)random.Next(256))], SKShaderTileMode.Clamp);
                canvas.DrawRect(new SKRect(0, 0, 1024, 768), paint);
            }
            using (var paint = new SKPaint { IsAntialias = true })
            {
                for (int k = 0; k < 60; k++)
                {
                    paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 200);
                    canvas.DrawCircle(random.Next(1024), random.Next(768), random.Next(5, 120), paint);
                }
            }
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
            result[i] = data.ToArray();
            File.WriteAllBytes(path, result[i]);
        });
        return result;
    }

    private static void DeleteDataset(string path)
    {
        if (Directory.Exists(path))
            Directory.Delete(path, true);
        string journal = path + ".inventory.jsonl";
        if (File.Exists(journal))
            File.Delete(journal);
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static void Emit(string what, double figure, string unit, string? reference, double? referenceFigure, double? ratio)
    {
        var line = new Dictionary<string, object?>
        {
            ["bench"] = "web",
            ["what"] = what,
            ["figure"] = Math.Round(figure, 3),
            ["unit"] = unit,
            ["reference"] = reference,
            ["reference_figure"] = referenceFigure is double r ? Math.Round(r, 3) : null,
            ["ratio"] = ratio is double x ? Math.Round(x, 3) : null,
            ["load"] = Load(),
        };
        Console.WriteLine(JsonSerializer.Serialize(line, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
