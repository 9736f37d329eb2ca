using System.Diagnostics;
using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors;
using Trawl.Vectors.Indexes;

namespace Trawl.Bench.Ann;

/// <summary>
/// Trawl's HNSW variants in the <c>ann</c> benchmark: per M, per storage (f32 as the .npy holds it,
/// f16 as a Trawl dataset stores it) and per walk (plain, or SQ8: an int8 copy walked and the ef
/// candidates re-ranked exactly). Each variant is its own engine name (trawl-hnsw, trawl-hnsw-f16,
/// trawl-hnsw-sq8, trawl-hnsw-f16-sq8) so the summary reports each curve against hnswlib.
/// </summary>
internal static class AnnHnswRunner
{
    public static List<AnnPoint> Run(AnnOptions o, NpyVectors base32, float[] queries, int[] gt, int gtK, ulong checksum32, double checksumMs)
    {
        var points = new List<AnnPoint>();
        foreach (string storage in o.Storages)
        {
            NpyVectors? base16 = storage == "f16" ? OpenHalf(o, base32) : null;
            try
            {
                NpyVectors data = base16 ?? base32;
                ulong checksum = base16 is null ? checksum32 : base16.Checksum();
                foreach (int m in o.Ms)
                {
                    foreach (string walk in o.HnswWalks)
                    {
                        if (o.HnswVariants is { } only && !only.Contains($"{storage}-{walk}")) continue;
                        string factory = $"HNSW{m}" + (walk == "sq8" ? ",SQ8" : "");
                        string engine = "trawl-hnsw" + (storage == "f16" ? "-f16" : "") + (walk == "sq8" ? "-sq8" : "");
                        string path = Path.Combine(o.Dir, $"{o.Prefix}HNSW{m}{(walk == "sq8" ? "-SQ8" : "")}-{storage}.hnsw");
                        using var process = Process.GetCurrentProcess();
                        TimeSpan cpu = process.TotalProcessorTime;
                        double build = AnnBenchmark.Build(factory, data.Matrix, checksum, path, o);
                        process.Refresh();
                        // CPU seconds beside wall seconds: on a shared machine the CPU time is the steadier figure.
                        if (double.IsFinite(build))
                            AnnBenchmark.Emit(new { engine, factory, build_s = Math.Round(build, 2), build_cpu_s = Math.Round((process.TotalProcessorTime - cpu).TotalSeconds, 1) });
                        using IVectorIndex index = AnnBenchmark.Open(path, data.Matrix, checksum, factory, checksumMs);
                        // What a search needs resident: the index file (links, levels, int8 copy) plus the stored rows.
                        double memory = (double)new FileInfo(path).Length / o.N + data.Matrix.RowBytes;
                        AnnBenchmark.Warm(index, queries, o);
                        foreach (int ef in o.Efs)
                            points.Add(AnnBenchmark.Measure(engine, $"M={m},efC={o.EfConstruction},ef={ef}", index, queries, gt, gtK, o, build, memory, new IndexSearchOptions { Ef = ef }));
                    }
                }
            }
            finally
            {
                base16?.Dispose();
            }
        }
        return points;
    }

    /// <summary>The base as float16, written once next to the data (rewritten when the f32 base is newer or a different shape).</summary>
    private static NpyVectors OpenHalf(AnnOptions o, NpyVectors base32)
    {
        string path = Path.Combine(o.Dir, $"{o.Prefix}base-f16.npy");
        VectorMatrix m = base32.Matrix;
        bool fresh = File.Exists(path) && File.GetLastWriteTimeUtc(path) >= File.GetLastWriteTimeUtc(base32.Path) && Shaped(path, m.Rows, m.Dimension);
        if (!fresh)
        {
            var clock = Stopwatch.StartNew();
            var halves = new Half[checked((int)(m.Rows * m.Dimension))];
            Parallel.For(0L, m.Rows, r =>
            {
                ReadOnlySpan<float> row = MemoryMarshal.Cast<byte, float>(m.RowBytesOf(r));
                Span<Half> to = halves.AsSpan((int)(r * m.Dimension), m.Dimension);
                for (int i = 0; i < row.Length; i++) to[i] = (Half)row[i];
            });
            NpyFile.Write<Half>(path, halves, m.Rows, m.Dimension);
            Console.Error.WriteLine($"ann: wrote the f16 base {path} in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        return NpyVectors.Open(path, "the f16 base");
    }

    private static bool Shaped(string path, long rows, int columns)
    {
        try
        {
            using var npy = NpyFile.Open(path);
            return npy.Type == NpyFile.ElementType.Float16 && npy.Shape.Count == 2 && npy.Shape[0] == rows && npy.Shape[1] == columns;
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            return false;
        }
    }
}
