using System.Globalization;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// An HDF5 file as rows, for <c>trawl ingest FILE.h5</c> without metadata: column <c>id</c> holds the row's 1-based
/// number (the numbering of the SISAP challenge's <c>knns</c>), then every dataset whose first dimension has as many
/// rows as the file's vectors and that is not read as a vector set (<see cref="IsVectorSet"/>): 1-d ones as a
/// number or text column, 2-d ones (<c>knns</c>, <c>dists</c>, <c>hamming</c>) as a JSON array per row, values as
/// stored (knns stays 1-based). The rows are those of <c>emb</c>, else of the first 2-d float dataset, else of the
/// first dataset. Read chunk by chunk, a batch at a time.
/// </summary>
public sealed class Hdf5TableReader : ITableReader
{
    private readonly Hdf5File _file;
    private readonly List<Hdf5Dataset> _columns;
    private readonly long _rows;
    private long _next;
    private byte[] _raw = [];
    private byte[] _json = new byte[4096];

    private Hdf5TableReader(Hdf5File file, List<Hdf5Dataset> columns, long rows, TableSchema schema)
    {
        _file = file;
        _columns = columns;
        _rows = rows;
        Schema = schema;
        BytesTotal = new FileInfo(file.Path).Length;
    }

    public string Path => _file.Path;
    public TableSchema Schema { get; }
    public long? RowCount => _rows;
    public long BytesTotal { get; }
    public long BytesRead => _rows == 0 ? BytesTotal : (long)(BytesTotal * (double)_next / _rows);

    /// <summary>A dataset read as a vector set rather than a column: 2-d floats other than a neighbour file's
    /// <c>dists</c> (emb, pca32, pca96 in the SISAP layout).</summary>
    public static bool IsVectorSet(Hdf5Dataset d) =>
        d.Shape.Length == 2 && d.Type.Class == Hdf5TypeClass.Float && d.Shape[1] >= 1 && d.Name != "dists";

    /// <summary>The dataset whose rows are the file's rows: <c>emb</c>, else the first vector set, else the first dataset.</summary>
    public static Hdf5Dataset? RowDataset(Hdf5File file) =>
        file.Datasets.FirstOrDefault(d => d.Name == "emb" && d.Shape.Length >= 1)
        ?? file.Datasets.FirstOrDefault(IsVectorSet)
        ?? file.Datasets.FirstOrDefault(d => d.Shape.Length >= 1);

    public static Hdf5TableReader Open(string path, TableReaderOptions? options = null)
    {
        var file = Hdf5File.Open(path);
        try
        {
            var main = RowDataset(file) ?? throw new DataFormatException(file.Path, "holds no dataset with rows");
            long rows = main.Rows;
            var columns = file.Datasets
                .Where(d => d.Shape.Length is 1 or 2 && d.Rows == rows && !IsVectorSet(d) && d.Type.Class is Hdf5TypeClass.Integer or Hdf5TypeClass.Float or Hdf5TypeClass.String)
                .Where(d => d.UnsupportedFilter is null)
                .ToList();
            var schema = new List<ColumnSchema> { new("id", ColumnType.Int64, "the row's 1-based number, as the SISAP challenge's knns count rows") };
            foreach (var d in columns)
            {
                var type = d.Shape.Length == 2 ? ColumnType.Json
                    : d.Type.Class == Hdf5TypeClass.Float ? ColumnType.Double
                    : d.Type.Class == Hdf5TypeClass.Integer ? ColumnType.Int64 : ColumnType.Text;
                schema.Add(new ColumnSchema(ColumnName(d), type, $"dataset {d.Path} ({d.Type})"));
            }
            if (options?.Columns is { } wanted && wanted.FirstOrDefault(w => !schema.Any(s => s.Name.Equals(w, StringComparison.OrdinalIgnoreCase))) is { } missing)
                throw new DataFormatException(file.Path, $"no column '{missing}' (columns: {string.Join(", ", schema.Select(s => s.Name))})");
            return new Hdf5TableReader(file, columns, rows, new TableSchema(schema));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static string ColumnName(Hdf5Dataset d) => d.Path.TrimStart('/').Replace('/', '_');

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        batch.Clear();
        int n = (int)Math.Min(maxRows, _rows - _next);
        if (n <= 0)
            return false;
        batch.FirstRow = _next;
        for (int r = 0; r < n; r++)
            batch[0].AppendInt64(_next + r + 1);
        for (int c = 0; c < _columns.Count; c++)
        {
            var d = _columns[c];
            long bytes = n * d.RowBytes;
            if (_raw.Length < bytes)
                _raw = new byte[bytes];
            d.ReadRows(_next, n, _raw.AsSpan(0, (int)bytes));
            var column = batch[c + 1];
            int width = (int)d.RowElements;
            for (int r = 0; r < n; r++)
            {
                long at = (long)r * width;
                if (d.Type.Class == Hdf5TypeClass.String)
                {
                    var s = _raw.AsSpan((int)(at * d.Type.Size), d.Type.Size);
                    int end = s.IndexOf((byte)0);
                    column.AppendText((end < 0 ? s : s[..end]).TrimEnd((byte)' '));
                }
                else if (d.Shape.Length == 1)
                {
                    if (d.Type.Class == Hdf5TypeClass.Float) { double v = Hdf5Elements.ReadDouble(_raw, at, d.Type); if (double.IsFinite(v)) column.AppendDouble(v); else column.AppendNull(); }
                    else column.AppendInt64(Hdf5Elements.ReadInt64(_raw, at, d.Type));
                }
                else
                {
                    column.AppendJson(RowJson(d, at, width));
                }
            }
        }
        _next += n;
        batch.RowCount = n;
        return true;
    }

    /// <summary>One row of a 2-d dataset as a JSON array, formatted into a reused buffer (no allocation per row).</summary>
    private ReadOnlySpan<byte> RowJson(Hdf5Dataset d, long at, int width)
    {
        int worst = 2 + width * 26;
        if (_json.Length < worst)
            _json = new byte[worst];
        var span = _json.AsSpan();
        var c = CultureInfo.InvariantCulture;
        int pos = 0;
        span[pos++] = (byte)'[';
        for (int i = 0; i < width; i++)
        {
            if (i > 0)
                span[pos++] = (byte)',';
            int written;
            if (d.Type.Class == Hdf5TypeClass.Float)
            {
                double v = Hdf5Elements.ReadDouble(_raw, at + i, d.Type);
                if (!double.IsFinite(v)) { "null"u8.CopyTo(span[pos..]); written = 4; }
                else if (d.Type.Size <= 4) ((float)v).TryFormat(span[pos..], out written, "R", c);
                else v.TryFormat(span[pos..], out written, "R", c);
            }
            else if (d.Type.Size == 8 && !d.Type.Signed)
            {
                ((ulong)Hdf5Elements.ReadInt64(_raw, at + i, d.Type)).TryFormat(span[pos..], out written, default, c);
            }
            else
            {
                Hdf5Elements.ReadInt64(_raw, at + i, d.Type).TryFormat(span[pos..], out written, default, c);
            }
            pos += written;
        }
        span[pos++] = (byte)']';
        return span[..pos];
    }

    public void Dispose() => _file.Dispose();
}
