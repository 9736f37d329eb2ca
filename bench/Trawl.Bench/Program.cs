using Trawl.Bench.Captions;
using Trawl.Bench.Reporting;
using Trawl.Store.Ingest;

namespace Trawl.Bench;

internal static class Program
{
    private const string Usage =
        "usage: Trawl.Bench <benchmark> [options]\n" +
        "  captions   ingest, search and facets over synthetic caption rows, against sqlite3 + sqlite-utils\n" +
        "             " + CaptionsOptions.Usage + "\n" +
        "  laion      one LAION-like part (Parquet + 1M x 768 f16 .npy): ingest time and memory, Parquet decode vs DuckDB\n" +
        "             [--rows N] [--dir DIR]\n" +
        "  knn        exact kNN: single query f32/f16 and batch against faiss IndexFlatIP, memory bandwidth, recall\n" +
        "             [--n 200000] [--nq 1000] [--dir DIR]\n" +
        "  ann        HNSW and IVF-PQ against hnswlib and faiss: build time, recall@10 and QPS per ef/nprobe\n" +
        "             [--n 200000] [--nq 1000] [--dir DIR] [--m 16,32] [--efc 100] [--reuse]\n" +
        "  scale      issue 18 at 1-10 M rows: f16 rows generated in chunks, exact GB/s, memory-bounded indexes (build, RSS, recall, QPS, filtered) beside faiss\n" +
        "  coldstart  a saved HNSW index in fresh processes (none/advise/populate warm-up) against hnswlib: QPS per 1,000 queries from the first\n" +
        "             " + ColdStart.ColdStartBenchmark.Usage + "\n" +
        "  engine     the query engine over a WebVid-like (or LAION-aesthetics-like) table via HTTP: search+facets+histogram, ranked top-20, filters, sorts, load\n" +
        "             " + Engine.EngineBenchmark.Usage + "\n" +
        "  corpora    .jsonl.zst ingest vs zstdcat | sqlite-utils, zstd decompression vs the zstd tool, cl100k tokens/s vs Microsoft.ML.Tokenizers\n" +
        "             " + Corpora.CorporaBenchmark.Usage + "\n" +
        "  append     appends in place: 1,000 rows then a 1M-row part into a 10M-row WebVid-like dataset, against sqlite3 .import\n" +
        "             into an FTS5 table kept by sqlite-utils triggers; wall time and peak extra disk\n" +
        "             " + Append.AppendOptions.Usage + "\n" +
        "  clickhouse push to clickhouse-server 18.16 vs CSV + clickhouse-client; exact kNN on 18.16, chDB and embedded;\n" +
        "             chDB vector_similarity recall; a search+facet page\n" +
        "             " + ClickHouse.ClickHouseBench.Usage + "\n" +
        "  clip       CLIP texts/s and images/s (ViT-B/32 shape, random weights) against PyTorch CPU; text search latency over 1M\n" +
        "             [--dir DIR] [--texts 128] [--images 48] [--threads N] [--batch 16] [--n 1000000] [--queries 20]\n" +
        "  clip-embed trawl embed rows/s against the bare encoder on the same captions (tiny CLIP), same run\n" +
        "  web        trawl inventory (HEAD) and trawl download (1024x768 JPEG -> 256 border) against a loopback server, vs PIL and OpenCV loops\n" +
        "             [--urls 100000] [--images 20000] [--distinct 1000] [--reference-images N] [--dir DIR]\n" +
        "  curate     dedupe (exact, HNSW) vs faiss with planted near-duplicates; Parquet export vs DuckDB COPY TO and Parquet.Net; MinHash rows/s\n" +
        "             [--n 200000] [--rows 1000000] [--dir DIR] [--skip-faiss] [--skip-vectors] [--skip-export]\n" +
        "  sisap      HDF5 read, gold, PCA-96, Hamming sketches, search-h5 HNSW/IVF-PQ against h5py, faiss, numpy, hnswlib\n" +
        "             [--n 1000000] [--nq 10000] [--dir DIR] [--skip-ann]\n" +
        "  facets     array and date facets (column files and SQL path) against sqlite3 json_each / date() GROUP BY\n" +
        "             " + Facets.FacetsBench.Usage + "\n" +
        "  ingest-in-process DATASET CSV   (used by captions when asked) DatasetIngest.Run with --search caption";

    private static async Task<int> Main(string[] args)
    {
        try
        {
            switch (args.FirstOrDefault())
            {
                case "captions":
                {
                    var options = CaptionsOptions.Parse(args[1..]);
                    using var report = new BenchReport(options.OutputPath);
                    return await new CaptionsBenchmark(options, report).RunAsync();
                }
                case "append":
                {
                    var options = Append.AppendOptions.Parse(args[1..]);
                    using var report = new BenchReport(options.OutputPath);
                    return new Append.AppendBenchmark(options, report).Run();
                }
                case "laion":
                    return Laion.LaionBenchmark.Run(args[1..]);
                case "knn":
                    return Knn.KnnBench.Run(args[1..]);
                case "ann":
                    return Ann.AnnBenchmark.Run(args[1..]);
                case "coldstart":
                    return ColdStart.ColdStartBenchmark.Run(args[1..]);
                case "coldstart-child":
                    return ColdStart.ColdStartBenchmark.Child(args[1..]);
                case "scale":
                    return Scale.ScaleBenchmark.Run(args[1..]);
                case "scale-child":
                    return Scale.ScaleBenchmark.Child(args[1..]);
                case "engine":
                    return await Engine.EngineBenchmark.Run(args[1..]);
                case "corpora":
                    return Corpora.CorporaBenchmark.Run(args[1..]);
                case "clickhouse":
                    return ClickHouse.ClickHouseBench.Run(args[1..]);
                case "clip":
                    return Clip.ClipBench.Run(args[1..]);
                case "clip-embed":
                    return Clip.EmbedBench.Run(args[1..]);
                case "web":
                    return Web.WebBench.Run(args[1..]);
                case "curate":
                    return Curate.CurateBench.Run(args[1..]);
                case "sisap":
                    return Sisap.SisapBench.Run(args[1..]);
                case "facets":
                    return Facets.FacetsBench.Run(args[1..]);
                case "ingest-in-process" when args.Length == 3:
                {
                    var result = DatasetIngest.Run(args[1], new IngestRequest { Sources = [args[2]], SearchColumns = ["caption"] });
                    Console.WriteLine(result);
                    return 0;
                }
                default:
                    Console.Error.WriteLine(Usage);
                    return 1;
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
