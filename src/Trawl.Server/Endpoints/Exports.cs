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

    public static async Task Write(HttpContext context, IDatasetSource dataset, TableInfo table, TableRequest request, OutputFormat format)
    {
        // Rows come out of one read cursor; the first MoveNext runs the query, so errors still get a proper status.
        var rows = dataset.StreamRows(request.Query with { Next = null }, out var columns);
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
            CsvFormat.AppendRow(sb, columns.ToArray());
            while (any)
            {
                CsvFormat.AppendRow(sb, enumerator.Current);
                if (sb.Length >= ChunkChars)
                {
                    await writer.WriteAsync(sb, cancel);
                    sb.Clear();
                }
                any = enumerator.MoveNext();
            }
            await writer.WriteAsync(sb, cancel);
            await writer.FlushAsync(cancel);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(ChunkChars + 4096);
        await using var json = new Utf8JsonWriter(buffer, JsonValues.WriterOptions);
        while (any)
        {
            json.Reset(buffer);
            JsonValues.WriteRow(json, columns, enumerator.Current, asArray: false);
            json.Flush();
            buffer.Write("\n"u8);
            if (buffer.WrittenCount >= ChunkChars)
            {
                await response.Body.WriteAsync(buffer.WrittenMemory, cancel);
                buffer.ResetWrittenCount();
            }
            any = enumerator.MoveNext();
        }
        await response.Body.WriteAsync(buffer.WrittenMemory, cancel);
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
