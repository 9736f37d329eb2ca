using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Trawl.Clip.Encoders;
using Trawl.Formats.NumPy;
using Trawl.Store.Ingest;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Server.Tests.Clip;

/// <summary>A dataset "clipds" served with the committed tiny CLIP (--model), --clip-extras and --allow-fetch.
/// Table "pics": url, caption, NSFW; vector set "image" holds the tiny CLIP's text embedding of each caption, except
/// row 5 which holds the image embedding of wide.png; rows 7 and 8 are near copies of row 6 ("a cat on a red sofa").
/// A local HTTP server on 127.0.0.1 serves wide.png for image_url.</summary>
public sealed class ClipServerFixture : IAsyncLifetime
{
    public static readonly string[] Captions =
    [
        "a photo of a cat", "a dog running on the beach at sunset", "the quick brown fox", "an oil painting of a lighthouse",
        "black and white photograph of a city street", "wide picture", "a cat on a red sofa", "a cat on a red sofa!", "a cat on a red sofa.",
        "mountains covered with snow", "children playing football in the park", "a bowl of fresh fruit",
    ];
    public static readonly string[] Nsfw = ["UNLIKELY", "UNLIKELY", "NSFW", "UNLIKELY", "UNSURE", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY", "UNLIKELY"];
    public const int WideRow = 5, ViolentRow = 9, AestheticRow = 11;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-clip-server-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;
    private TcpListener? _images;
    private Task? _imageLoop;
    private readonly CancellationTokenSource _stop = new();

    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-clip");
    public static string WidePng => Path.Combine(ModelFolder, "images", "wide.png");
    public HttpClient Client { get; private set; } = null!;
    public string ImageUrl { get; private set; } = "";
    public float[] Vectors { get; private set; } = [];
    public int Dimension { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        using var encoder = ClipEncoder.Open(ModelFolder);
        Dimension = encoder.Dimension;
        Vectors = encoder.EncodeTexts(Captions);
        encoder.EncodeImageFiles([WidePng]).CopyTo(Vectors.AsSpan(WideRow * Dimension));
        // Rows 7 and 8: near copies of row 6. Rows 9 and 11: fixed random directions, row 9 orthogonal to row 0
        // (so the violence prompts [row 0, row 9] keep row 0 and flag row 9).
        var rng = new Random(5);
        for (int copy = 7; copy <= 8; copy++)
        {
            var v = Row(6);
            for (int d = 0; d < Dimension; d++) v[d] += (float)(rng.NextDouble() - 0.5) * 0.002f;
            SetRow(copy, v);
        }
        foreach (int r in new[] { ViolentRow, AestheticRow })
        {
            var v = Enumerable.Range(0, Dimension).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            if (r == ViolentRow)
            {
                var r0 = Row(0);
                float dot = 0;
                for (int d = 0; d < Dimension; d++) dot += v[d] * r0[d];
                for (int d = 0; d < Dimension; d++) v[d] -= dot * r0[d];
            }
            SetRow(r, v);
        }
        var csv = new StringBuilder("url,caption,NSFW\n");
        for (int i = 0; i < Captions.Length; i++)
            csv.Append($"https://img.example.com/{i}.jpg,\"{Captions[i]}\",{Nsfw[i]}\n");
        string csvPath = Path.Combine(_root, "pics.csv");
        File.WriteAllText(csvPath, csv.ToString());
        string dataset = Path.Combine(_root, "clipds.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csvPath], Table = "pics", SearchColumns = ["caption"] });
        Directory.CreateDirectory(Path.Combine(dataset, "vectors"));
        using (var writer = VectorSetWriter.Create(Path.Combine(dataset, "vectors", "image.f32"), VectorElementType.Float32, Dimension))
        {
            writer.Append(Vectors);
            writer.Complete();
        }
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"""
                CREATE TABLE IF NOT EXISTS _trawl_vector_sets (name TEXT PRIMARY KEY, table_name TEXT NOT NULL, file TEXT NOT NULL,
                  element_type TEXT NOT NULL, dimension INTEGER NOT NULL, count INTEGER NOT NULL, metric TEXT NOT NULL, checksum TEXT NOT NULL);
                INSERT INTO _trawl_vector_sets VALUES ('image', 'pics', 'vectors/image.f32', 'f32', {Dimension}, {Captions.Length}, 'ip', '0');
                """;
            cmd.ExecuteNonQuery();
        }

        // clip-retrieval's extras: rating9 points at row 11; the violence prompts are row 0 (0: safe) and row 9 (1: violent).
        string extras = Path.Combine(_root, "extras", "vit_b_32_embeddings");
        Directory.CreateDirectory(extras);
        for (int r = 0; r < 10; r++)
        {
            var e = new float[Dimension];
            if (r == 9) Row(AestheticRow).CopyTo(e, 0);
            NpyFile.Write<float>(Path.Combine(extras, $"rating{r}.npy"), e, 1, Dimension);
        }
        var prompts = Row(0).Concat(Row(ViolentRow)).ToArray();
        NpyFile.Write<float>(Path.Combine(_root, "extras", "violence_detection_vit_b_32.npy"), prompts, 2, Dimension);

        _images = new TcpListener(IPAddress.Loopback, 0);
        _images.Start();
        ImageUrl = $"http://127.0.0.1:{((IPEndPoint)_images.LocalEndpoint).Port}/wide.png";
        _imageLoop = ServeImages(File.ReadAllBytes(WidePng));

        _app = TrawlServer.Build([dataset], new ServerOptions { Port = 0, ClipModel = ModelFolder, ClipExtras = Path.Combine(_root, "extras"), AllowFetch = true });
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public float[] Row(int i) => Vectors.AsSpan(i * Dimension, Dimension).ToArray();

    private void SetRow(int i, float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => (double)x * x));
        for (int d = 0; d < Dimension; d++) Vectors[i * Dimension + d] = (float)(v[d] / n);
    }

    /// <summary>A minimal HTTP/1.0 server: every request gets the PNG.</summary>
    private async Task ServeImages(byte[] png)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _images!.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                int total = 0;
                while (total < buffer.Length)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(total));
                    if (n == 0) break;
                    total += n;
                    if (Encoding.ASCII.GetString(buffer, 0, total).Contains("\r\n\r\n")) break;
                }
                var header = Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\nContent-Length: {png.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(header);
                await stream.WriteAsync(png);
            }
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stop.Cancel();
        _images?.Stop();
        if (_imageLoop is not null) await _imageLoop;
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
