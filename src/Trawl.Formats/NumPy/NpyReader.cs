using System.Globalization;
using System.Runtime.InteropServices;
using Trawl.Formats.Tables;

namespace Trawl.Formats.NumPy;

/// <summary>
/// A .npy array as a table, for <c>trawl cat</c>: a 2-d (or higher) array is one column "vector" holding each
/// row as a JSON array of numbers (dimensions after the first flattened, C order); a 1-d or 0-d array is one
/// column "value". Non-finite floats become null (JSON has no NaN).
/// </summary>
public sealed class NpyReader : ITableReader
{
    private readonly NpyFile _npy;
    private readonly bool _vectors;
    private long _next;
    private byte[] _json = new byte[4096];

    private NpyReader(NpyFile npy, TableSchema schema, bool vectors)
    {
        _npy = npy;
        Schema = schema;
        _vectors = vectors;
    }

    public string Path => _npy.Path;
    public TableSchema Schema { get; }
    public long? RowCount => _npy.Rows;
    public long BytesTotal => _npy.DataOffset + _npy.DataLength;
    public long BytesRead => _npy.DataOffset + _next * _npy.Columns * _npy.ElementSize;

    public static NpyReader Open(string path, TableReaderOptions? options = null)
    {
        var npy = NpyFile.Open(path);
        try
        {
            bool vectors = npy.Shape.Count >= 2;
            var column = vectors
                ? new ColumnSchema("vector", ColumnType.Json, $"a row of the array ({npy.Type}, {npy.Columns} values)")
                : new ColumnSchema("value", npy.Type is NpyFile.ElementType.Float16 or NpyFile.ElementType.Float32 or NpyFile.ElementType.Float64 ? ColumnType.Double : ColumnType.Int64);
            if (options?.Columns is { } wanted && wanted.Any(c => !c.Equals(column.Name, StringComparison.OrdinalIgnoreCase)))
                throw new DataFormatException(npy.Path, $"no column '{wanted.First(c => !c.Equals(column.Name, StringComparison.OrdinalIgnoreCase))}' (columns: {column.Name})");
            return new NpyReader(npy, new TableSchema([column]), vectors);
        }
        catch
        {
            npy.Dispose();
            throw;
        }
    }

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        batch.Clear();
        long rows = _npy.Shape.Count == 0 ? 1 : _npy.Rows;
        int n = (int)Math.Min(maxRows, rows - _next);
        if (n <= 0)
            return false;
        var column = batch[0];
        batch.FirstRow = _next;
        for (int r = 0; r < n; r++)
        {
            var bytes = _npy.Shape.Count == 0 ? ScalarBytes() : _npy.RowBytes(_next + r);
            if (_vectors)
                column.AppendJson(RowJson(bytes));
            else
                AppendScalar(column, bytes);
        }
        _next += n;
        batch.RowCount = n;
        return true;
    }

    private unsafe ReadOnlySpan<byte> ScalarBytes() => new((void*)_npy.DataAddress, _npy.ElementSize);

    private ReadOnlySpan<byte> RowJson(ReadOnlySpan<byte> row)
    {
        int count = row.Length / _npy.ElementSize;
        int worst = 2 + count * 26;
        if (_json.Length < worst)
            _json = new byte[worst];
        var span = _json.AsSpan();
        int pos = 0;
        span[pos++] = (byte)'[';
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
                span[pos++] = (byte)',';
            pos += WriteNumber(span[pos..], row, i);
        }
        span[pos++] = (byte)']';
        return span[..pos];
    }

    private int WriteNumber(Span<byte> destination, ReadOnlySpan<byte> row, int i)
    {
        var c = CultureInfo.InvariantCulture;
        int written;
        bool ok = _npy.Type switch
        {
            NpyFile.ElementType.Float16 => Finite((double)MemoryMarshal.Cast<byte, Half>(row)[i], destination, out written) || MemoryMarshal.Cast<byte, Half>(row)[i].TryFormat(destination, out written, "R", c),
            NpyFile.ElementType.Float32 => Finite(MemoryMarshal.Cast<byte, float>(row)[i], destination, out written) || MemoryMarshal.Cast<byte, float>(row)[i].TryFormat(destination, out written, "R", c),
            NpyFile.ElementType.Float64 => Finite(MemoryMarshal.Cast<byte, double>(row)[i], destination, out written) || MemoryMarshal.Cast<byte, double>(row)[i].TryFormat(destination, out written, "R", c),
            NpyFile.ElementType.Int8 => ((sbyte)row[i]).TryFormat(destination, out written, default, c),
            NpyFile.ElementType.UInt8 => row[i].TryFormat(destination, out written, default, c),
            NpyFile.ElementType.Int32 => MemoryMarshal.Cast<byte, int>(row)[i].TryFormat(destination, out written, default, c),
            _ => MemoryMarshal.Cast<byte, long>(row)[i].TryFormat(destination, out written, default, c),
        };
        if (!ok)
            throw new InvalidOperationException("number formatting buffer too small");
        return written;
    }

    /// <summary>Writes "null" for a non-finite value and returns true; false (nothing written) for a finite one.</summary>
    private static bool Finite(double value, Span<byte> destination, out int written)
    {
        if (double.IsFinite(value))
        {
            written = 0;
            return false;
        }
        "null"u8.CopyTo(destination);
        written = 4;
        return true;
    }

    private void AppendScalar(ColumnValues column, ReadOnlySpan<byte> bytes)
    {
        switch (_npy.Type)
        {
            case NpyFile.ElementType.Float16: AppendDouble(column, (double)MemoryMarshal.Read<Half>(bytes)); break;
            case NpyFile.ElementType.Float32: AppendDouble(column, MemoryMarshal.Read<float>(bytes)); break;
            case NpyFile.ElementType.Float64: AppendDouble(column, MemoryMarshal.Read<double>(bytes)); break;
            case NpyFile.ElementType.Int8: column.AppendInt64((sbyte)bytes[0]); break;
            case NpyFile.ElementType.UInt8: column.AppendInt64(bytes[0]); break;
            case NpyFile.ElementType.Int32: column.AppendInt64(MemoryMarshal.Read<int>(bytes)); break;
            default: column.AppendInt64(MemoryMarshal.Read<long>(bytes)); break;
        }
    }

    private static void AppendDouble(ColumnValues column, double value)
    {
        if (double.IsFinite(value)) column.AppendDouble(value);
        else column.AppendNull();
    }

    public void Dispose() => _npy.Dispose();
}
