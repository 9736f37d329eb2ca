using Trawl.Formats.Parquet.Writing;
using System.Diagnostics;
using System.Globalization;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Export;

/// <summary>
/// <c>trawl export</c>: streams the rows a query selects into part files of a format (see
/// <see cref="ExportFormat"/>), <see cref="ExportRequest.PartRows"/> rows a part, in bounded memory (one
/// Parquet row group at a time). Each part is written under temporary names and renamed when complete, so a
/// killed or failed export never leaves a half-written file under a final name; a failed part's files are removed.
/// </summary>
public static class DatasetExport
{
    /// <summary>Rows read from the dataset at a time (the batch is reused, so memory stays bounded).</summary>
    private const int BatchRows = 4096;

    public static ExportReport Run(string datasetPath, ExportRequest request, IProgress<ExportProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PartRows < 1) throw new UserErrorException($"--part-size {request.PartRows}: a part needs at least one row");
        if (request.RowGroupRows < 1) throw new UserErrorException($"--row-group-size {request.RowGroupRows}: a row group needs at least one row");
        if (!Enum.IsDefined(request.Format)) throw new UserErrorException($"unknown export format {request.Format}");
        var clock = Stopwatch.StartNew();
        using var dataset = Dataset.Open(datasetPath);
        var table = dataset.GetTable(request.Query.Table);
        var columns = table.Columns.Select(ExportColumn.From).ToList();
        string folder = Path.GetFullPath(request.OutputFolder);
        if (Path.GetFullPath(dataset.Directory).TrimEnd('/') == folder.TrimEnd('/'))
            throw new UserErrorException($"{folder}: that is the dataset itself; choose another --out");

        var sets = new List<(string, VectorSetFile)>();
        if (request.Format == ExportFormat.SisapH5)
        {
            var available = dataset.ListVectorSets().Where(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (request.VectorSets is { Count: > 1 })
                throw new UserErrorException("sisap-h5 writes one vector set (dataset 'emb'); give one --vectors NAME");
            string? wanted = request.VectorSets?.FirstOrDefault();
            var set = wanted is not null
                ? available.FirstOrDefault(s => s.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserErrorException($"table '{table.Name}' has no vector set '{wanted}'")
                : available.Count == 1 ? available[0]
                : throw new UserErrorException(available.Count == 0
                    ? $"table '{table.Name}' has no vector set; sisap-h5 writes vectors"
                    : $"table '{table.Name}' has several vector sets; say which with --vectors ({string.Join(", ", available.Select(s => s.Name))})");
            sets.Add((set.Name, dataset.OpenVectorSet(set.Name)));
        }
        if (request.Format == ExportFormat.Laion)
        {
            var available = dataset.ListVectorSets().Where(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (string name in request.VectorSets ?? available.Select(s => s.Name).ToList())
            {
                var set = available.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserErrorException($"table '{table.Name}' has no vector set '{name}'" + (available.Count > 0 ? $" (it has: {string.Join(", ", available.Select(s => s.Name))})" : ""));
                sets.Add((set.Name, dataset.OpenVectorSet(set.Name)));
            }
            var dirs = sets.Select(s => LaionExportPart.DirectoryFor(s.Item1)).ToList();
            if (dirs.Distinct().Count() != dirs.Count)
                throw new UserErrorException($"vector sets {string.Join(", ", sets.Select(s => s.Item1))} map to the same folder in the laion layout; choose them with --vectors");
        }

        long total = dataset.CountRows(request.Query, cancel);
        ExportFolder.Prepare(folder, request.Overwrite);
        ExportFolder.WriteStartedMarker(folder, request.Format);
        var files = new List<string>();
        long rows = 0;
        int parts = 0;
        ExportPart? part = null;
        long inPart = 0;
        try
        {
            using var batches = new PrefetchedBatches(dataset.ReadBatches(request.Query), BatchRows);
            while (batches.Next() is { } batch)
            {
                for (int r = 0; r < batch.RowCount;)
                {
                    if (part is null)
                    {
                        part = Open(request, folder, parts, columns, sets);
                        inPart = 0;
                    }
                    int n = (int)Math.Min(batch.RowCount - r, request.PartRows - inPart);
                    part.WriteRows(batch, r, n);
                    if (parts > 0) IngestPausePoint.Reach(IngestPausePoint.ExportPartial);
                    r += n;
                    rows += n;
                    inPart += n;
                    if (inPart >= request.PartRows)
                    {
                        Publish(part, folder, files);
                        part = null;
                        parts++;
                    }
                }
                progress?.Report(new ExportProgress(rows, total));
                cancel.ThrowIfCancellationRequested();
            }
            // A selection that ends on a part boundary needs no empty part, but an empty selection still gets one (the schema).
            if (part is not null || parts == 0)
            {
                part ??= Open(request, folder, parts, columns, sets);
                Publish(part, folder, files);
                part = null;
                parts++;
            }
        }
        catch
        {
            if (part is not null)
            {
                var unfinished = part.FinalPaths;
                part.Dispose();
                ExportFolder.Discard(unfinished);
            }
            throw;
        }
        progress?.Report(new ExportProgress(rows, total));
        long bytes = files.Sum(f => new FileInfo(Path.Combine(folder, f)).Length);
        var report = new ExportReport(folder, request.Format, rows, parts, files, bytes, clock.Elapsed);
        ExportFolder.WriteMarker(folder, report);
        return report;
    }

    private static ExportPart Open(ExportRequest request, string folder, int part, IReadOnlyList<ExportColumn> columns, IReadOnlyList<(string, VectorSetFile)> sets)
    {
        string number = part.ToString("D5", CultureInfo.InvariantCulture);
        return request.Format switch
        {
            ExportFormat.Parquet => new ParquetExportPart(Path.Combine(folder, $"part-{number}.parquet"), columns, ParquetOptions(request)),
            ExportFormat.Csv => new TextExportPart(Path.Combine(folder, $"part-{number}.csv"), columns, csv: true),
            ExportFormat.Jsonl => new TextExportPart(Path.Combine(folder, $"part-{number}.jsonl"), columns, csv: false),
            ExportFormat.Laion => new LaionExportPart(folder, part, columns, sets, ParquetOptions(request)),
            ExportFormat.WebDataset => new WebDatasetExportPart(Path.Combine(folder, $"shard-{number}.tar"), columns),
            ExportFormat.SisapH5 => new SisapExportPart(folder, part, columns, sets[0].Item1, sets[0].Item2),
            _ => throw new UserErrorException($"unknown export format {request.Format}"),
        };
    }

    private static ParquetWriterOptions ParquetOptions(ExportRequest request) =>
        new() { Compression = request.Compression, RowGroupRows = request.RowGroupRows };

    private static void Publish(ExportPart part, string folder, List<string> files)
    {
        part.Complete();
        ExportFolder.Publish(part.FinalPaths);
        files.AddRange(part.FinalPaths.Select(p => Path.GetRelativePath(folder, p)));
        part.Dispose();
    }
}
