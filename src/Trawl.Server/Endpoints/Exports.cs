using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;

namespace Trawl.Server.Endpoints;

/// <summary>.csv and .jsonl: every matching row, streamed from the store in chunks, never held whole.</summary>
internal static class Exports
{
    private const int ChunkChars = 64 * 1024;

    /// <summary>Rows whose foreign keys are labelled are resolved this many at a time.</summary>
    private const int LabelBatch = 500;

    /// <param name="labels">With _labels=on or _label=COLUMN: resolves a batch of rows' foreign keys. CSV then gets
    /// a COLUMN_label column after each labelled column (as Datasette's CSV), JSON Lines {"value", "label"}.</param>
    public static async Task Write(HttpContext context, IDatasetSource dataset, TableInfo table, TableRequest request, OutputFormat format,
        Func<IReadOnlyList<string>, IReadOnlyList<object?[]>, IReadOnlyList<Views.LinkedColumn>>? labels = null, int? maxRows = null)
    {
        // Rows come out of one read cursor; the first MoveNext runs the query, so errors still get a proper status.
        var rows = dataset.StreamRows(request.Query with { Next = null }, out var columns);
        if (request.ShownColumns is { } shown)
        {
            // _col / _nocol, as on the page (rowid stays first).
            var all = columns;
            var keep = Enumerable.Range(0, all.Count).Where(i => shown.Contains(all[i])).ToArray();
            columns = keep.Select(i => all[i]).ToArray();
            rows = rows.Select(r => Array.ConvertAll(keep, i => r[i]));
        }
        // allow_csv_stream off: at most max_returned_rows, as Datasette's CSV without _stream.
        if (maxRows is int cap)
            rows = rows.Take(cap);
        using var enumerator = rows.GetEnumerator();
        bool any = enumerator.MoveNext();

        var response = context.Response;
        string extension = format == OutputFormat.Csv ? "csv" : "jsonl";
        response.ContentType = format == OutputFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        if (request.Download)
            response.Headers.ContentDisposition = $"attachment; filename=\"{SafeFileName(table.Name)}.{extension}\"";
        var cancel = context.RequestAborted;

        if (format == OutputFormat.Csv)
        {
            await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            var sb = new StringBuilder(ChunkChars + 4096);
            // Which columns get a _label column: known from the keys alone, before any row is resolved.
            var labelled = labels is null ? [] : labels(columns, []).Select(l => l.Key.Column).ToHashSet(StringComparer.OrdinalIgnoreCase);
            CsvFormat.AppendRow(sb, columns.SelectMany(c => labelled.Contains(c) ? new object?[] { c, c + "_label" } : [c]).ToArray());
            while (any)
            {
                if (labels is null)
                {
                    CsvFormat.AppendRow(sb, enumerator.Current);
                    any = enumerator.MoveNext();
                }
                else
                {
                    var batch = Batch(enumerator, ref any);
                    var linked = labels(columns, batch);
                    foreach (var row in batch)
                        CsvFormat.AppendRow(sb, WithLabels(columns, row, linked, labelled));
                }
                if (sb.Length >= ChunkChars)
                {
                    await writer.WriteAsync(sb, cancel);
                    sb.Clear();
                }
            }
            await writer.WriteAsync(sb, cancel);
            await writer.FlushAsync(cancel);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(ChunkChars + 4096);
        await using var json = new Utf8JsonWriter(buffer, JsonValues.WriterOptions);
        while (any)
        {
            var batch = labels is null ? [enumerator.Current] : Batch(enumerator, ref any);
            if (labels is null)
                any = enumerator.MoveNext();
            var linked = labels?.Invoke(columns, batch);
            foreach (var row in batch)
            {
                json.Reset(buffer);
                JsonValues.WriteRow(json, columns, row, asArray: false, linked: linked);
                json.Flush();
                buffer.Write("\n"u8);
            }
            if (buffer.WrittenCount >= ChunkChars)
            {
                await response.Body.WriteAsync(buffer.WrittenMemory, cancel);
                buffer.ResetWrittenCount();
            }
        }
        await response.Body.WriteAsync(buffer.WrittenMemory, cancel);
    }

    /// <summary>The current row and up to <see cref="LabelBatch"/> - 1 more; <paramref name="any"/> says whether rows remain.</summary>
    private static List<object?[]> Batch(IEnumerator<object?[]> rows, ref bool any)
    {
        var batch = new List<object?[]>(LabelBatch);
        while (any && batch.Count < LabelBatch)
        {
            batch.Add(rows.Current);
            any = rows.MoveNext();
        }
        return batch;
    }

    private static object?[] WithLabels(IReadOnlyList<string> columns, object?[] row, IReadOnlyList<Views.LinkedColumn> linked, HashSet<string> labelled)
    {
        var cells = new List<object?>(row.Length + labelled.Count);
        for (int i = 0; i < columns.Count && i < row.Length; i++)
        {
            cells.Add(row[i]);
            if (labelled.Contains(columns[i]))
                cells.Add(linked.FirstOrDefault(l => l.Key.Column.Equals(columns[i], StringComparison.OrdinalIgnoreCase))?.Find(row[i])?.Label);
        }
        return cells.ToArray();
    }

    /// <summary>A file name for Content-Disposition: letters, digits, '-', '_' and '.' only.</summary>
    internal static string SafeFileName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return sb.Length == 0 ? "rows" : sb.ToString();
    }
}
