using System.Buffers.Binary;
using System.Text;

namespace Trawl.Formats.WebDataset;

/// <summary>
/// A small Parquet writer for the per-shard metadata tables of a download (img2dataset writes one beside each
/// tar): flat optional columns of text, int32, int64 and double; PLAIN encoding, uncompressed, one data page
/// per column per row group. Rows are buffered until <see cref="MaxRowsPerGroup"/> and then written as a row
/// group, so memory stays bounded. Meant for thousands of rows of metadata, not for bulk data.
/// </summary>
public sealed class MetadataParquetWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly (string Name, MetadataColumnType Type)[] _columns;
    private readonly List<object?>[] _values;
    private readonly List<(long Rows, long Bytes, long[] Offsets, long[] Sizes)> _groups = new();
    private long _position;
    private long _rows;
    private bool _closed;

    public MetadataParquetWriter(Stream output, IReadOnlyList<(string Name, MetadataColumnType Type)> columns, bool leaveOpen = false)
    {
        if (columns.Count == 0)
            throw new ArgumentException("a Parquet file needs at least one column", nameof(columns));
        _output = output;
        _leaveOpen = leaveOpen;
        _columns = columns.ToArray();
        _values = _columns.Select(_ => new List<object?>()).ToArray();
        _output.Write("PAR1"u8);
        _position = 4;
    }

    /// <summary>Rows per row group.</summary>
    public int MaxRowsPerGroup { get; init; } = 10_000;

    /// <summary>Appends a row: one value per column, null or of the column's type (string, int, long, double).</summary>
    public void WriteRow(ReadOnlySpan<object?> row)
    {
        if (row.Length != _columns.Length)
            throw new ArgumentException($"expected {_columns.Length} values, got {row.Length}", nameof(row));
        for (int c = 0; c < row.Length; c++)
        {
            object? v = row[c];
            bool ok = v is null || _columns[c].Type switch
            {
                MetadataColumnType.Text => v is string,
                MetadataColumnType.Int32 => v is int,
                MetadataColumnType.Int64 => v is long,
                MetadataColumnType.Double => v is double,
                _ => false,
            };
            if (!ok)
                throw new ArgumentException($"column '{_columns[c].Name}' is {_columns[c].Type}, not {v!.GetType().Name}", nameof(row));
        }
        for (int c = 0; c < row.Length; c++)
            _values[c].Add(row[c]);
        if (_values[0].Count >= MaxRowsPerGroup)
            FlushGroup();
    }

    private void FlushGroup()
    {
        int n = _values[0].Count;
        if (n == 0 && _groups.Count > 0)
            return;
        var offsets = new long[_columns.Length];
        var sizes = new long[_columns.Length];
        long groupBytes = 0;
        for (int c = 0; c < _columns.Length; c++)
        {
            byte[] body = PageBody(_values[c]);
            var h = new ThriftCompactWriter();
            h.StructBegin();
            h.I32(1, 0);               // DATA_PAGE
            h.I32(2, body.Length);
            h.I32(3, body.Length);
            h.StructField(5);
            h.I32(1, n);
            h.I32(2, 0);               // PLAIN
            h.I32(3, 3);               // RLE definition levels
            h.I32(4, 3);
            h.StructEnd();
            h.StructEnd();
            byte[] header = h.ToArray();
            offsets[c] = _position;
            _output.Write(header);
            _output.Write(body);
            sizes[c] = header.Length + body.Length;
            _position += sizes[c];
            groupBytes += sizes[c];
            _values[c].Clear();
        }
        _groups.Add((n, groupBytes, offsets, sizes));
        _rows += n;
    }

    private static byte[] PageBody(List<object?> values)
    {
        var ms = new MemoryStream();
        // Definition levels: a 4-byte length, then RLE runs (bit width 1, so each run's value is one byte).
        var levels = new MemoryStream();
        int i = 0;
        while (i < values.Count)
        {
            bool present = values[i] is not null;
            int j = i;
            while (j < values.Count && (values[j] is not null) == present)
                j++;
            ulong header = (ulong)(j - i) << 1;
            while (header >= 0x80)
            {
                levels.WriteByte((byte)(header | 0x80));
                header >>= 7;
            }
            levels.WriteByte((byte)header);
            levels.WriteByte(present ? (byte)1 : (byte)0);
            i = j;
        }
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(b, (int)levels.Length);
        ms.Write(b[..4]);
        levels.Position = 0;
        levels.CopyTo(ms);
        foreach (object? v in values)
        {
            switch (v)
            {
                case null:
                    break;
                case string s:
                    byte[] bytes = Encoding.UTF8.GetBytes(s);
                    BinaryPrimitives.WriteInt32LittleEndian(b, bytes.Length);
                    ms.Write(b[..4]);
                    ms.Write(bytes);
                    break;
                case int x:
                    BinaryPrimitives.WriteInt32LittleEndian(b, x);
                    ms.Write(b[..4]);
                    break;
                case long x:
                    BinaryPrimitives.WriteInt64LittleEndian(b, x);
                    ms.Write(b);
                    break;
                case double x:
                    BinaryPrimitives.WriteDoubleLittleEndian(b, x);
                    ms.Write(b);
                    break;
            }
        }
        return ms.ToArray();
    }

    private static int PhysicalType(MetadataColumnType type) => type switch
    {
        MetadataColumnType.Text => 6,
        MetadataColumnType.Int32 => 1,
        MetadataColumnType.Int64 => 2,
        MetadataColumnType.Double => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Writes the last row group and the footer.</summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        FlushGroup();
        var t = new ThriftCompactWriter();
        t.StructBegin();
        t.I32(1, 1);
        t.ListBegin(2, 12, _columns.Length + 1);
        t.StructBegin();
        t.String(4, "schema");
        t.I32(5, _columns.Length);
        t.StructEnd();
        foreach (var (name, type) in _columns)
        {
            t.StructBegin();
            t.I32(1, PhysicalType(type));
            t.I32(3, 1);               // OPTIONAL
            t.String(4, name);
            if (type == MetadataColumnType.Text)
                t.I32(6, 0);           // UTF8
            t.StructEnd();
        }
        t.I64(3, _rows);
        t.ListBegin(4, 12, _groups.Count);
        foreach (var g in _groups)
        {
            t.StructBegin();
            t.ListBegin(1, 12, _columns.Length);
            for (int c = 0; c < _columns.Length; c++)
            {
                t.StructBegin();
                t.I64(2, g.Offsets[c]);
                t.StructField(3);
                t.I32(1, PhysicalType(_columns[c].Type));
                t.ListBegin(2, 5, 2);
                t.ListI32(0);
                t.ListI32(3);
                t.ListBegin(3, 8, 1);
                t.ListString(_columns[c].Name);
                t.I32(4, 0);           // UNCOMPRESSED
                t.I64(5, g.Rows);
                t.I64(6, g.Sizes[c]);
                t.I64(7, g.Sizes[c]);
                t.I64(9, g.Offsets[c]);
                t.StructEnd();
                t.StructEnd();
            }
            t.I64(2, g.Bytes);
            t.I64(3, g.Rows);
            t.StructEnd();
        }
        t.String(6, "trawl");
        t.StructEnd();
        byte[] footer = t.ToArray();
        _output.Write(footer);
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, footer.Length);
        _output.Write(len);
        _output.Write("PAR1"u8);
        _output.Flush();
    }

    public void Dispose()
    {
        Close();
        if (!_leaveOpen)
            _output.Dispose();
    }
}
