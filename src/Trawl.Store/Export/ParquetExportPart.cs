using System.Globalization;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;

namespace Trawl.Store.Export;

/// <summary>A Parquet part: one row group per <see cref="ParquetWriterOptions.RowGroupRows"/> rows, the table's columns by their SQL types.</summary>
internal sealed class ParquetExportPart : ExportPart
{
    private readonly string _path;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly FileStream _stream;
    private readonly ParquetFileWriter _writer;

    public ParquetExportPart(string path, IReadOnlyList<ExportColumn> columns, ParquetWriteCompression compression)
    {
        _path = path;
        _columns = columns;
        _stream = new FileStream(ExportFolder.Partial(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _writer = ParquetFileWriter.Create(_stream, columns.Select(c => new ParquetWriteColumn(c.Name, c.Type)).ToList(),
            new ParquetWriterOptions { Compression = compression });
    }

    public override IReadOnlyList<string> FinalPaths => [_path];

    public override void Write(object?[] row)
    {
        for (int c = 0; c < _columns.Count; c++)
        {
            object? v = row[c + 1];
            var column = _columns[c];
            switch (v)
            {
                case null:
                    _writer.WriteNull(c);
                    break;
                case long l when column.Type == ColumnType.Int64:
                    _writer.WriteInt64(c, l);
                    break;
                case long l when column.Type == ColumnType.Double:
                    _writer.WriteDouble(c, l);
                    break;
                case double d when column.Type == ColumnType.Double:
                    _writer.WriteDouble(c, d);
                    break;
                case double d when column.Type == ColumnType.Int64 && d == Math.Floor(d) && Math.Abs(d) < 9e18:
                    _writer.WriteInt64(c, (long)d);
                    break;
                case string s when column.Type == ColumnType.Text:
                    _writer.WriteString(c, s);
                    break;
                case byte[] b when column.Type is ColumnType.Binary or ColumnType.Text:
                    _writer.WriteBytes(c, b);
                    break;
                case long or double when column.Type == ColumnType.Text:
                    _writer.WriteString(c, Convert.ToString(v, CultureInfo.InvariantCulture)!);
                    break;
                default:
                    // SQLite lets a column hold any type; a value Parquet's column type cannot carry is an error, not a silent null.
                    throw new UserErrorException($"row {row[0]}, column '{column.Name}': the value {Preview(v)} does not fit the column's type ({column.Type}); export as csv or jsonl, or fix the value");
            }
        }
        _writer.EndRow();
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
