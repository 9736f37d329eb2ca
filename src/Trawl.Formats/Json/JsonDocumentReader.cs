using System.Text.Json;
using System.Text.Unicode;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Json;

/// <summary>
/// Streams the rows of a JSON document (.json, optionally gzipped): an array of objects, or an
/// object with such an array at <see cref="TableReaderOptions.JsonPath"/> (COCO's "annotations").
/// Opening reads the rows once to learn every key; rows are then read in a second pass. Memory is
/// bounded by the largest row, not the document.
/// </summary>
public sealed class JsonDocumentReader : ITableReader
{
    internal const int DefaultBufferSize = 256 << 10;

    private readonly JsonRowBuilder _builder;
    private readonly JsonRowsCursor _rows;
    private long _row;

    private JsonDocumentReader(string path, TableReaderOptions options, int bufferSize)
    {
        Path = path;
        _builder = new JsonRowBuilder(options.Flatten);
        using (var scan = new JsonRowsCursor(path, options.JsonPath, bufferSize, options.MaxRecordBytes))
        {
            scan.FindRows();
            while (scan.TryNext(out ReadOnlySpan<byte> element, out long line, out long offset))
                Row(scan, element, line, offset, null);
        }
        string[] names = ColumnNames.MakeUnique(_builder.Keys);
        int[] picked = ColumnProjection.Resolve(path, names, options.Columns);
        _builder.SetOutput(picked);
        Schema = new TableSchema(picked.Select(i => new ColumnSchema(names[i], ColumnType.Any)));
        _rows = new JsonRowsCursor(path, options.JsonPath, bufferSize, options.MaxRecordBytes);
        try
        {
            _rows.FindRows();
        }
        catch
        {
            _rows.Dispose();
            throw;
        }
    }

    public static JsonDocumentReader Open(string path, TableReaderOptions? options = null) => new(path, options ?? new(), DefaultBufferSize);

    /// <summary>For tests: any window size.</summary>
    internal static JsonDocumentReader Open(string path, TableReaderOptions options, int bufferSize) => new(path, options, bufferSize);

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => null;
    public long BytesRead => _rows.Source.BytesRead;
    public long BytesTotal => _rows.Source.BytesTotal;

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        if (batch.Columns.Length != Schema.Count)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the schema has {Schema.Count}", nameof(batch));
        batch.Clear();
        batch.FirstRow = _row;
        while (batch.RowCount < maxRows && _rows.TryNext(out ReadOnlySpan<byte> element, out long line, out long offset))
        {
            Row(_rows, element, line, offset, batch);
            batch.SourceLines.Add(line);
            batch.RowCount++;
            _row++;
        }
        return batch.RowCount > 0;
    }

    public void Dispose() => _rows?.Dispose();

    private void Row(JsonRowsCursor cursor, ReadOnlySpan<byte> element, long line, long offset, ColumnBatch? batch)
    {
        if (!Utf8.IsValid(element))
        {
            int bad = Utf8Errors.FirstInvalid(element);
            throw cursor.RowError($"invalid UTF-8 (byte 0x{element[bad]:X2})", null, line + element[..bad].Count((byte)'\n'), offset + bad);
        }
        try
        {
            if (batch is null)
                _builder.CollectKeys(element);
            else
                _builder.AppendRow(element, batch);
        }
        catch (JsonRowException e)
        {
            int at = (int)Math.Min(e.Position, element.Length);
            throw cursor.RowError(e.Message, e.Column, line + element[..at].Count((byte)'\n'), offset + e.Position);
        }
        catch (JsonException e)
        {
            throw cursor.RowError("not valid JSON: " + JsonErrors.Describe(e), null, line + (e.LineNumber ?? 0), offset);
        }
    }
}
