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
        "  curate     dedupe (exact, HNSW) vs faiss with planted near-duplicates; Parquet export vs DuckDB COPY TO and Parquet.Net; MinHash rows/s\n" +
        "             [--n 200000] [--rows 1000000] [--dir DIR] [--skip-faiss] [--skip-vectors] [--skip-export]\n" +
        "  sisap      HDF5 read, gold, PCA-96, Hamming sketches, search-h5 HNSW/IVF-PQ against h5py, faiss, numpy, hnswlib\n" +
        "             [--n 1000000] [--nq 10000] [--dir DIR] [--skip-ann]\n" +
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
                case "laion":
                    return Laion.LaionBenchmark.Run(args[1..]);
                case "knn":
                    return Knn.KnnBench.Run(args[1..]);
                case "ann":
                    return Ann.AnnBenchmark.Run(args[1..]);
                case "curate":
                    return Curate.CurateBench.Run(args[1..]);
                case "sisap":
                    return Sisap.SisapBench.Run(args[1..]);
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
