using System.Globalization;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;

namespace Trawl.Store.Export;

/// <summary>A Parquet part: a row group every <see cref="ParquetWriterOptions.RowGroupRows"/> rows, the table's columns by their SQL types.</summary>
internal sealed class ParquetExportPart : ExportPart
{
    private readonly string _path;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly FileStream _stream;
    private readonly ParquetFileWriter _writer;

    public ParquetExportPart(string path, IReadOnlyList<ExportColumn> columns, ParquetWriterOptions options)
    {
        _path = path;
        _columns = columns;
        _stream = new FileStream(ExportFolder.Partial(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _writer = ParquetFileWriter.Create(_stream, columns.Select(c => new ParquetWriteColumn(c.Name, c.Type)).ToList(),
            options);
    }

    public override IReadOnlyList<string> FinalPaths => [_path];

    /// <summary>The part's writer (the curate benchmark's profile reads its timings).</summary>
    internal ParquetFileWriter Writer => _writer;

    public override void Write(ColumnBatch batch, int row) => WriteRows(batch, row, 1);

    /// <summary>Column by column: each column's run of values that fit its type goes in at once, a value needing a conversion one by one.</summary>
    public override void WriteRows(ColumnBatch batch, int start, int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, _writer.RowsLeftInGroup);
            for (int c = 0; c < _columns.Count; c++)
            {
                var lane = batch.Columns[c + 1];
                for (int r = start, end = start + n; r < end;)
                {
                    r += _writer.WriteValues(c, lane, r, end - r);
                    if (r < end) WriteConverted(batch, c, r++);
                }
            }
            _writer.EndRows(n);
            start += n;
            count -= n;
        }
    }

    /// <summary>A value whose kind differs from the column's type: converted when that loses nothing, else an error naming the row and column.</summary>
    private void WriteConverted(ColumnBatch batch, int c, int row)
    {
        var lane = batch.Columns[c + 1];
        var type = _columns[c].Type;
        switch (lane.KindAt(row))
        {
            case ValueKind.Null:
                _writer.WriteNull(c);
                break;
            case ValueKind.Int64 or ValueKind.Boolean when type == ColumnType.Int64:
                _writer.WriteInt64(c, lane.Int64At(row));
                break;
            case ValueKind.Int64 or ValueKind.Boolean when type == ColumnType.Double:
                _writer.WriteDouble(c, lane.Int64At(row));
                break;
            case ValueKind.Double when type == ColumnType.Double:
                _writer.WriteDouble(c, lane.DoubleAt(row));
                break;
            case ValueKind.Double when type == ColumnType.Int64 && lane.DoubleAt(row) is var d && d == Math.Floor(d) && Math.Abs(d) < 9e18:
                _writer.WriteInt64(c, (long)d);
                break;
            case ValueKind.Text or ValueKind.Json when type == ColumnType.Text:
            case ValueKind.Text or ValueKind.Json or ValueKind.Binary when type == ColumnType.Binary:
            case ValueKind.Binary when type == ColumnType.Text:
                _writer.WriteBytes(c, lane.BytesAt(row));
                break;
            case ValueKind.Int64 or ValueKind.Double when type == ColumnType.Text:
                _writer.WriteString(c, Convert.ToString(lane.ValueAt(row), CultureInfo.InvariantCulture)!);
                break;
            default:
                // SQLite lets a column hold any type; a value Parquet's column type cannot carry is an error, not a silent null.
                throw new UserErrorException($"row {RowId(batch, row)}, column '{_columns[c].Name}': the value {Preview(lane.ValueAt(row)!)} does not fit the column's type ({type}); export as csv or jsonl, or fix the value");
        }
    }

    private static string Preview(object v) => v is string s ? (s.Length > 40 ? $"'{s[..40]}…'" : $"'{s}'") : Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?";

    public override void Complete()
    {
        _writer.Finish();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    public override void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
