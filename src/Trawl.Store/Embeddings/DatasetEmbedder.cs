using System.Diagnostics;
using System.Globalization;
using Trawl.Formats.WebDataset;
using Trawl.Store.Datasets;
using Trawl.Store.Images;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Storage;
using Trawl.Vectors;

namespace Trawl.Store.Embeddings;

/// <summary>
/// Computes a vector set for every row of a table from a text or image column with a caller's model (<c>trawl embed</c>).
/// Rows go through in batches (memory stays bounded), each batch is made durable in the work folder
/// (<see cref="EmbedWork"/>) before the next, and a run after an interruption starts where the last durable batch
/// ended. A row with no value or an image that cannot be read gets a zero vector (row i of the set stays row i of
/// the table); failures are counted and listed, never fatal. The finished set is registered with the ingest's commit
/// protocol (<see cref="VectorSetRegistration"/>).
/// </summary>
public static class DatasetEmbedder
{
    public static EmbedReport Run(EmbedRequest request, IEmbeddingModel model, IProgress<EmbedProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        if (request.BatchSize is < 1 or > EmbedRequest.MaxBatchSize)
            throw new UserErrorException($"the batch size must be between 1 and {EmbedRequest.MaxBatchSize}, not {request.BatchSize}");
        if (request.ElementType is not (VectorElementType.Float16 or VectorElementType.Float32))
            throw new UserErrorException("embeddings are stored as f16 or f32");
        var clock = Stopwatch.StartNew();
        string directory = DatasetPaths.FindExisting(request.DatasetPath) ?? throw new UserErrorException($"{request.DatasetPath}: no such dataset");
        string table;
        long rows;
        using (var ds = Dataset.Open(directory))
        {
            var info = PickTable(ds, request.Table);
            table = info.Name;
            rows = info.RowCount;
            CheckColumns(info, request);
            var existing = ds.ListVectorSets().FirstOrDefault(s => s.Name == request.VectorSet);
            if (existing is not null && !request.Restart && !Directory.Exists(EmbedWork.FolderOf(directory, request.VectorSet)))
            {
                if (!existing.Table.Equals(table, StringComparison.OrdinalIgnoreCase))
                    throw new UserErrorException($"vector set '{request.VectorSet}' already belongs to table '{existing.Table}'; choose another name");
                if (existing.Count == rows && existing.Dimension == model.Dimension)
                    return new EmbedReport(table, request.Column, request.VectorSet, existing.Dimension, rows, 0, rows, 0, 0, [], AlreadyComplete: true, clock.Elapsed.TotalSeconds);
                throw new UserErrorException($"vector set '{request.VectorSet}' already exists ({existing.Count:N0} vectors of dimension {existing.Dimension} for {rows:N0} rows); "
                    + "give --restart to compute it again from the start");
            }
        }

        using var work = EmbedWork.Open(directory, table, request, model, request.Restart);
        if (work.Done > rows)
            throw new UserErrorException($"vector set '{request.VectorSet}': an earlier run embedded {work.Done:N0} rows but table '{table}' now has {rows:N0} (it was replaced); give --restart");
        long resumed = work.Done;
        int dim = model.Dimension;
        long missing = work.Missing, failed = work.Failed, encoded = 0;
        progress?.Report(new EmbedProgress(work.Done, rows, resumed, missing, failed));
        if (work.Done < rows)
        {
            using var ds = Dataset.Open(directory);
            var stream = ds.StreamRows(new TableQuery { Table = table, Where = "rowid >= " + work.Done.ToString(CultureInfo.InvariantCulture) }, out var columns);
            var reader = new RowValues(columns, request);
            var batch = new List<object?[]>(request.BatchSize);
            var output = new float[request.BatchSize * dim];
            foreach (var row in stream)
            {
                long rowid = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
                if (rowid != work.Done + batch.Count)
                    throw new UserErrorException($"table '{table}': rowid {rowid} where {work.Done + batch.Count} was expected (rowids must be dense from 0)");
                batch.Add(row);
                if (batch.Count == request.BatchSize)
                    Flush();
            }
            if (batch.Count > 0)
                Flush();

            void Flush()
            {
                cancel.ThrowIfCancellationRequested();
                var span = output.AsSpan(0, batch.Count * dim);
                span.Clear();
                var (batchMissing, failures) = request.Input == EmbedInput.Text
                    ? EncodeTexts(batch, reader, model, span, cancel)
                    : EncodeImages(batch, reader, request, model, span, cancel);
                work.Commit(span, failures, batchMissing);
                encoded += batch.Count;
                missing += batchMissing;
                failed += failures.Count;
                batch.Clear();
                IngestPausePoint.Reach(IngestPausePoint.EmbedBatch);
                progress?.Report(new EmbedProgress(work.Done, rows, resumed, missing, failed));
            }
        }

        cancel.ThrowIfCancellationRequested();
        progress?.Report(new EmbedProgress(work.Done, rows, resumed, missing, failed, Publishing: true));
        long count = VectorSetRegistration.Add(directory, table, request.VectorSet, request.ElementType, dim, VectorMetric.InnerProduct,
            writer => work.CopyRows(chunk => writer.Append(chunk)));
        var listed = work.Failures.Take(EmbedReport.MaxListedFailures).ToList();
        work.Delete();
        return new EmbedReport(table, request.Column, request.VectorSet, dim, count, encoded, resumed, missing, failed, listed, AlreadyComplete: false, clock.Elapsed.TotalSeconds);
    }

    private static TableInfo PickTable(Dataset ds, string? name)
    {
        if (name is not null)
            return ds.GetTable(name);
        var tables = ds.ListTables();
        return tables.Count == 1 ? tables[0]
            : throw new UserErrorException($"the dataset has {tables.Count} tables ({string.Join(", ", tables.Select(t => t.Name))}); give --table");
    }

    private static void CheckColumns(TableInfo info, EmbedRequest request)
    {
        if (info.FindColumn(request.Column) is null)
            throw new UserErrorException($"table '{info.Name}' has no column '{request.Column}' (columns: {string.Join(", ", info.Columns.Select(c => c.Name))})");
        if (request.Input == EmbedInput.Image && IsShardColumn(request.Column) && !ShardImages.HasLocalImages(info))
            throw new UserErrorException($"table '{info.Name}' has no {WebDatasetColumns.ImageOffset}/{WebDatasetColumns.ImageLength} columns beside {WebDatasetColumns.ImageShard}");
    }

    private static bool IsShardColumn(string column) => column.Equals(WebDatasetColumns.ImageShard, StringComparison.OrdinalIgnoreCase);

    private static (long Missing, List<EmbedFailure> Failures) EncodeTexts(List<object?[]> batch, RowValues reader, IEmbeddingModel model, Span<float> output, CancellationToken cancel)
    {
        var texts = new List<string>(batch.Count);
        var at = new List<int>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            if (reader.Text(batch[i]) is { } text)
            {
                texts.Add(text);
                at.Add(i);
            }
        }
        long missing = batch.Count - texts.Count;
        if (texts.Count == 0)
            return (missing, []);
        int dim = model.Dimension;
        if (texts.Count == batch.Count)
        {
            model.EncodeTexts(texts, output, cancel);
            return (0, []);
        }
        var packed = new float[texts.Count * dim];
        model.EncodeTexts(texts, packed, cancel);
        for (int k = 0; k < at.Count; k++)
            packed.AsSpan(k * dim, dim).CopyTo(output.Slice(at[k] * dim, dim));
        return (missing, []);
    }

    private static (long Missing, List<EmbedFailure> Failures) EncodeImages(List<object?[]> batch, RowValues reader, EmbedRequest request, IEmbeddingModel model,
        Span<float> output, CancellationToken cancel)
    {
        var images = new List<EncodedImage>(batch.Count);
        var at = new List<int>(batch.Count);
        var failures = new List<EmbedFailure>();
        long missing = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            long rowid = Convert.ToInt64(batch[i][0], CultureInfo.InvariantCulture);
            try
            {
                var image = reader.Image(batch[i], rowid, request);
                if (image is null)
                {
                    missing++;
                    continue;
                }
                images.Add(image);
                at.Add(i);
            }
            catch (UserErrorException e)
            {
                failures.Add(new EmbedFailure(rowid, e.Message));
            }
        }
        if (images.Count == 0)
            return (missing, failures);
        int dim = model.Dimension;
        var packed = new float[images.Count * dim];
        var errors = new string?[images.Count];
        model.EncodeImages(images, packed, errors, cancel);
        for (int k = 0; k < at.Count; k++)
        {
            if (errors[k] is { } error)
            {
                long rowid = Convert.ToInt64(batch[at[k]][0], CultureInfo.InvariantCulture);
                failures.Add(new EmbedFailure(rowid, error.StartsWith("row ", StringComparison.Ordinal) ? error : $"row {rowid}: {error}"));
            }
            else
                packed.AsSpan(k * dim, dim).CopyTo(output.Slice(at[k] * dim, dim));
        }
        failures.Sort((a, b) => a.Rowid.CompareTo(b.Rowid));
        return (missing, failures);
    }

    /// <summary>Reads the embedded column (and the shard range columns) from streamed rows.</summary>
    private sealed class RowValues
    {
        private readonly int _column, _offset = -1, _length = -1;
        private readonly bool _shards;

        public RowValues(IReadOnlyList<string> columns, EmbedRequest request)
        {
            int Find(string name)
            {
                for (int i = 0; i < columns.Count; i++)
                {
                    if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                        return i;
                }
                throw new UserErrorException($"no column '{name}'");
            }
            _column = Find(request.Column);
            _shards = request.Input == EmbedInput.Image && IsShardColumn(request.Column);
            if (_shards)
            {
                _offset = Find(WebDatasetColumns.ImageOffset);
                _length = Find(WebDatasetColumns.ImageLength);
            }
        }

        /// <summary>The row's text; null for NULL.</summary>
        public string? Text(object?[] row) => row[_column] switch
        {
            null => null,
            string s => s,
            byte[] => null,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };

        /// <summary>The row's image bytes; null when the row has none; a <see cref="UserErrorException"/> says why it cannot be read.</summary>
        public EncodedImage? Image(object?[] row, long rowid, EmbedRequest request)
        {
            object? value = row[_column];
            if (_shards)
            {
                if (value is null)
                    return null;
                if (value is not string shard || row[_offset] is not long offset || row[_length] is not long length)
                    throw new UserErrorException($"row {rowid}: the image_shard/image_offset/image_length values are not a path and two integers");
                var image = ShardImages.ReadRange(shard, offset, length, $"row {rowid}");
                return new EncodedImage(image.Bytes, $"row {rowid} ({Path.GetFileName(shard)} at byte {offset})", null);
            }
            switch (value)
            {
                case null:
                    return null;
                case byte[] blob:
                    return blob.Length == 0 ? null : new EncodedImage(blob, $"row {rowid}", null);
                case string path when path.Length == 0:
                    return null;
                case string path when path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase):
                    throw new UserErrorException($"row {rowid}: {path} is a URL; embed does not fetch images: download them first (trawl download) and ingest the shards");
                case string path:
                    return ReadFile(path, rowid, request);
                default:
                    throw new UserErrorException($"row {rowid}: {value} is not an image path");
            }
        }

        private static EncodedImage ReadFile(string path, long rowid, EmbedRequest request)
        {
            string full;
            try
            {
                full = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(request.ImageRoot ?? Directory.GetCurrentDirectory(), path));
            }
            catch (ArgumentException)
            {
                throw new UserErrorException($"row {rowid}: '{path}' is not a valid path");
            }
            var info = new FileInfo(full);
            if (!info.Exists)
                throw new UserErrorException($"row {rowid}: {full}: no such image file");
            if (info.Length > request.MaxImageBytes)
                throw new UserErrorException($"row {rowid}: {full}: {info.Length:N0} bytes is more than the {request.MaxImageBytes:N0} an image may have");
            try
            {
                return new EncodedImage(File.ReadAllBytes(full), full, Path.GetFileName(full));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserErrorException($"row {rowid}: {full}: {e.Message}");
            }
        }
    }
}
