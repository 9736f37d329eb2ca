using System.Diagnostics;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Export;
using Trawl.Store.Queries;

namespace Trawl.Bench.Curate;

/// <summary>
/// Where a Parquet export's time goes, phase by phase (Stopwatch): stepping SQLite into batches alone, the same through
/// the prefetch thread, then the export's loop with the writer's flush split into encoding, compression and writing
/// (column building = time in the part's Write minus the flushes).
/// </summary>
internal static class ExportProfile
{
    public static void Run(string dataset, string outDir, Action<string, double, string> emit)
    {
        using var ds = Dataset.Open(dataset);
        var query = new TableQuery { Table = "items" };
        var columns = ds.GetTable("items").Columns.Select(ExportColumn.From).ToList();
        var self = Process.GetCurrentProcess();

        // 1. SQLite → typed batches, one thread.
        double threadCpu0 = ThreadCpuSeconds();
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using (var reader = ds.ReadBatches(query))
        {
            var batch = new ColumnBatch(reader.ColumnCount, 4096);
            while (reader.Read(batch, 4096)) rows += batch.RowCount;
        }
        emit($"profile: SQLite read into batches, one thread ({rows} rows; thread cpu {ThreadCpuSeconds() - threadCpu0:0.00} s)", clock.Elapsed.TotalSeconds, "s");

        // 2. The full loop, with the prefetch thread, into a Parquet part with timings.
        Directory.CreateDirectory(outDir);
        string path = Path.Combine(outDir, "profile.parquet");
        File.Delete(path);
        File.Delete(ExportFolder.Partial(path));
        var timings = new ParquetWriteTimings();
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        double mainCpu0 = ThreadCpuSeconds();
        clock.Restart();
        long inWrite = 0, waiting = 0;
        using (var part = new ParquetExportPart(path, columns, new ParquetWriterOptions()))
        {
            part.Writer.Timings = timings;
            using var batches = new PrefetchedBatches(ds.ReadBatches(query), 4096);
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                var batch = batches.Next();
                long t1 = Stopwatch.GetTimestamp();
                waiting += t1 - t0;
                if (batch is null) break;
                part.WriteRows(batch, 0, batch.RowCount);
                inWrite += Stopwatch.GetTimestamp() - t1;
            }
            long t2 = Stopwatch.GetTimestamp();
            part.Complete();
            long complete = Stopwatch.GetTimestamp() - t2;
            double total = clock.Elapsed.TotalSeconds;
            self.Refresh();
            double cpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
            emit($"profile: whole export loop (process cpu {cpu:0.00} s, of which the caller's thread {ThreadCpuSeconds() - mainCpu0:0.00} s)", total, "s");
            emit("profile: writer thread waiting for the reader", ParquetWriteTimings.Seconds(waiting), "s");
            emit("profile: column building (part.WriteRows, the caller's thread; flushes run beside it)", ParquetWriteTimings.Seconds(inWrite), "s");
            emit("profile: encoding, background thread (flush minus compression and writes)", ParquetWriteTimings.Seconds(timings.Flush - timings.Compress - timings.Write), "s");
            emit("profile: compression (snappy)", ParquetWriteTimings.Seconds(timings.Compress), "s");
            emit("profile: writes to the file stream", ParquetWriteTimings.Seconds(timings.Write), "s");
            emit("profile: Complete (last row group, footer, fsync)", ParquetWriteTimings.Seconds(complete), "s");
        }
        File.Delete(ExportFolder.Partial(path));
    }

    /// <summary>This thread's user + system CPU time, from /proc/thread-self/stat (clock ticks of 10 ms).</summary>
    private static double ThreadCpuSeconds()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the command name and state.
        return (long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
