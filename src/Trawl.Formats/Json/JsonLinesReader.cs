using System.Text.Json;
using System.Text.Unicode;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Json;

/// <summary>
/// Streams a JSON Lines file (.jsonl, .ndjson, optionally gzipped): one JSON object per line,
/// blank lines skipped. Opening reads the whole file once to learn every key (so a key that first
/// appears on the last line still gets its column); rows are then read in a second pass.
/// </summary>
public sealed class JsonLinesReader : ITableReader
{
    internal const int DefaultBufferSize = 256 << 10;

    private readonly JsonRowBuilder _builder;
    private readonly LineSplitter _lines;
    private long _row;

    private JsonLinesReader(string path, TableReaderOptions options, int bufferSize)
    {
        Path = path;
        _builder = new JsonRowBuilder(options.Flatten);
        using (var scan = new LineSplitter(path, bufferSize, options.MaxRecordBytes))
        {
            while (scan.TryNext(out ReadOnlySpan<byte> line))
            {
                if (JsonText.IsBlank(line))
                    continue;
                Validate(scan, line);
                try
                {
                    _builder.CollectKeys(line);
                }
                catch (Exception e) when (e is JsonException or JsonRowException)
                {
                    throw LineError(scan, e);
                }
            }
        }
        string[] names = ColumnNames.MakeUnique(_builder.Keys);
        int[] picked = ColumnProjection.Resolve(path, names, options.Columns);
        _builder.SetOutput(picked);
        Schema = new TableSchema(picked.Select(i => new ColumnSchema(names[i], ColumnType.Any)));
        _lines = new LineSplitter(path, bufferSize, options.MaxRecordBytes);
    }

    public static JsonLinesReader Open(string path, TableReaderOptions? options = null) => new(path, options ?? new(), DefaultBufferSize);

    /// <summary>For tests: any window size.</summary>
    internal static JsonLinesReader Open(string path, TableReaderOptions options, int bufferSize) => new(path, options, bufferSize);

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => null;
    public long BytesRead => _lines.Source.BytesRead;
    public long BytesTotal => _lines.Source.BytesTotal;

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        if (batch.Columns.Length != Schema.Count)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the schema has {Schema.Count}", nameof(batch));
        batch.Clear();
        batch.FirstRow = _row;
        while (batch.RowCount < maxRows && _lines.TryNext(out ReadOnlySpan<byte> line))
        {
            if (JsonText.IsBlank(line))
                continue;
            Validate(_lines, line);
            try
            {
                _builder.AppendRow(line, batch);
            }
            catch (Exception e) when (e is JsonException or JsonRowException)
            {
                throw LineError(_lines, e);
            }
            batch.SourceLines.Add(_lines.LineNumber);
            batch.RowCount++;
            _row++;
        }
        return batch.RowCount > 0;
    }

    public void Dispose() => _lines?.Dispose();

    private static void Validate(LineSplitter lines, ReadOnlySpan<byte> line)
    {
        // Utf8JsonReader lets invalid UTF-8 through in strings; check the whole line (vectorized).
        if (!Utf8.IsValid(line))
        {
            int bad = Utf8Errors.FirstInvalid(line);
            throw new DataFormatException(lines.Path, $"invalid UTF-8 (byte 0x{line[bad]:X2})", line: lines.LineNumber, byteOffset: lines.LineOffset + bad);
        }
    }

    private static DataFormatException LineError(LineSplitter lines, Exception e)
    {
        if (e is JsonRowException row)
            return new DataFormatException(lines.Path, row.Message, line: lines.LineNumber, column: row.Column, byteOffset: lines.LineOffset + row.Position);
        var json = (JsonException)e;
        long position = json.BytePositionInLine ?? 0;
        // A pretty-printed document fails on its first line; say what the file probably is.
        string hint = lines.LineNumber == 1 ? " (JSON Lines holds one whole object per line; for a JSON document use --format json)" : "";
        return new DataFormatException(lines.Path, "not valid JSON: " + JsonErrors.Describe(json) + hint, line: lines.LineNumber, byteOffset: lines.LineOffset + position, inner: e);
    }
}
