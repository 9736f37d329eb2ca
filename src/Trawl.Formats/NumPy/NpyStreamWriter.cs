using System.Buffers.Binary;
using System.Text;

namespace Trawl.Formats.NumPy;

/// <summary>
/// Writes a 2-D C-order .npy file row by row when the row count is not known in advance: the header is
/// written with room for any count and rewritten, same length, by <see cref="Complete"/>.
/// </summary>
public sealed class NpyStreamWriter : IDisposable
{
    private const int HeaderBytes = 128;
    private readonly FileStream _stream;
    private readonly string _descr;
    private readonly int _rowBytes;
    private bool _completed;

    public NpyStreamWriter(string path, NpyFile.ElementType type, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        _descr = type switch
        {
            NpyFile.ElementType.Float16 => "<f2",
            NpyFile.ElementType.Float32 => "<f4",
            NpyFile.ElementType.Float64 => "<f8",
            NpyFile.ElementType.Int8 => "|i1",
            NpyFile.ElementType.UInt8 => "|u1",
            _ => throw new ArgumentException($"{type} is not written by the row writer", nameof(type)),
        };
        Columns = columns;
        _rowBytes = columns * NpyFile.SizeOf(type);
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _stream.Write(Header(0));
    }

    public int Columns { get; }
    public long Rows { get; private set; }

    /// <summary>One row's raw little-endian element bytes.</summary>
    public void WriteRow(ReadOnlySpan<byte> row)
    {
        if (row.Length != _rowBytes) throw new ArgumentException($"a row is {_rowBytes} bytes, got {row.Length}", nameof(row));
        _stream.Write(row);
        Rows++;
    }

    /// <summary>Writes the final header and closes the file.</summary>
    public void Complete()
    {
        if (_completed) return;
        _stream.Position = 0;
        _stream.Write(Header(Rows));
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _completed = true;
    }

    private byte[] Header(long rows)
    {
        string dict = $"{{'descr': '{_descr}', 'fortran_order': False, 'shape': ({rows}, {Columns}), }}";
        var header = new byte[HeaderBytes];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(header);
        header[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), HeaderBytes - 10);
        header.AsSpan(10).Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, header.AsSpan(10));
        header[^1] = (byte)'\n';
        return header;
    }

    public void Dispose() => _stream.Dispose();
}
