using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Server.Tests.Integration;

/// <summary>A served dataset whose table "pics" (60 rows: image URL, caption, category) has an 8-dim f32 vector
/// set "img"; rows 0-3 hold nearly the same vector, and row 2's caption and URL are hostile.</summary>
public sealed class KnnServerFixture : IAsyncLifetime
{
    public const int Count = 60, Dimension = 8;
    public const string HostileCaption = "<script>alert('knn')</script> cat \"quoted\"";
    public static readonly string[] Categories = ["alpha", "beta", "gamma"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-knn-server-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;

    public float[] Vectors { get; } = new float[Count * Dimension];
    public string[] Captions { get; } = new string[Count];
    public string[] CategoryOf { get; } = new string[Count];
    public string[] Urls { get; } = new string[Count];
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var rng = new Random(21);
        var csv = new StringBuilder("url,caption,category\n");
        for (int i = 0; i < Count; i++)
        {
            Captions[i] = i == 2 ? HostileCaption : $"photo {i} of a {(i % 2 == 0 ? "cat" : "dog")}";
            CategoryOf[i] = Categories[i % 3];
            Urls[i] = i == 2 ? "https://img.example.com/a\"b<c>.jpg" : $"https://img.example.com/{i}.jpg";
            csv.Append('"').Append(Urls[i].Replace("\"", "\"\"")).Append("\",\"").Append(Captions[i].Replace("\"", "\"\"")).Append("\",").Append(CategoryOf[i]).Append('\n');
            for (int d = 0; d < Dimension; d++)
                Vectors[i * Dimension + d] = i is > 0 and < 4 ? Vectors[d] + (float)(rng.NextDouble() * 0.001) : (float)(rng.NextDouble() * 2 - 1);
        }
        string csvPath = Path.Combine(_root, "pics.csv");
        File.WriteAllText(csvPath, csv.ToString());
        string dataset = Path.Combine(_root, "knn.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [csvPath], Table = "pics", SearchColumns = ["caption"] });
        Directory.CreateDirectory(Path.Combine(dataset, "vectors"));
        using (var writer = VectorSetWriter.Create(Path.Combine(dataset, "vectors", "img.f32"), VectorElementType.Float32, Dimension))
        {
            writer.Append(Vectors);
            writer.Complete();
        }
        // The registry keeps the file's data checksum; a set whose file does not match it is refused.
        string checksum;
        using (var file = Trawl.Vectors.Storage.VectorSetFile.Open(Path.Combine(dataset, "vectors", "img.f32")))
            checksum = file.Header.DataChecksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"""
                CREATE TABLE IF NOT EXISTS _trawl_vector_sets (name TEXT PRIMARY KEY, table_name TEXT NOT NULL, file TEXT NOT NULL,
                  element_type TEXT NOT NULL, dimension INTEGER NOT NULL, count INTEGER NOT NULL, metric TEXT NOT NULL, checksum TEXT NOT NULL);
                INSERT INTO _trawl_vector_sets VALUES ('img', 'pics', 'vectors/img.f32', 'f32', {Dimension}, {Count}, 'ip', '{checksum}');
                """;
            cmd.ExecuteNonQuery();
        }
        _app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    /// <summary>Ids best first by a plain double-precision inner-product scan.</summary>
    public long[] NaiveTop(ReadOnlySpan<float> query, int k, Func<long, bool> allowed)
    {
        var q = query.ToArray();
        return Enumerable.Range(0, Count).Where(i => allowed(i))
            .Select(i => (Score: Enumerable.Range(0, Dimension).Sum(d => (double)q[d] * Vectors[i * Dimension + d]), Id: (long)i))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Id).Take(k).Select(s => s.Id).ToArray();
    }

    public float[] Row(long i) => Vectors.AsSpan((int)i * Dimension, Dimension).ToArray();

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned up with the temp folder eventually.
        }
    }
}
