using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// Writes a simple HDF5 file that h5py and HDF5.jl read: superblock version 2, version-2 object headers,
/// one root group holding its links compactly, contiguous datasets streamed row by row (the row count
/// may stay open until the dataset is finished), and scalar or 1-d attributes on the root and on
/// datasets. The file is written under a temporary name and renamed into place by <see cref="Complete"/>,
/// so an interrupted write leaves no partial file behind.
/// </summary>
public sealed class Hdf5Writer : IDisposable
{
    private const int SuperblockSize = 48;
    private const ulong Undefined = ulong.MaxValue;

    private readonly string _final;
    private readonly string _temp;
    private readonly FileStream _out;
    private readonly List<(string Name, ulong Header)> _links = [];
    private readonly List<byte[]> _rootAttributes = [];
    private Hdf5DatasetWriter? _open;
    private bool _completed;

    private Hdf5Writer(string path)
    {
        _final = System.IO.Path.GetFullPath(path);
        string? dir = System.IO.Path.GetDirectoryName(_final);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _temp = _final + $".tmp-{Guid.NewGuid():N}"[..13];
        _out = new FileStream(_temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _out.Write(new byte[SuperblockSize]);
    }

    public string Path => _final;

    public static Hdf5Writer Create(string path) => new(path);

    /// <summary>Adds a string attribute to the root group (fixed-length UTF-8).</summary>
    public void SetAttribute(string name, string value) => _rootAttributes.Add(AttributeMessage(name, value));
    public void SetAttribute(string name, double value) => _rootAttributes.Add(AttributeMessage(name, Hdf5DataType.Float64, [], BitConverter.GetBytes(value)));
    public void SetAttribute(string name, long value) => _rootAttributes.Add(AttributeMessage(name, Hdf5DataType.Int64, [], BitConverter.GetBytes(value)));

    /// <summary>
    /// Starts a contiguous dataset of rows with the given trailing dimensions (empty for a 1-d dataset);
    /// rows are appended with <see cref="Hdf5DatasetWriter.Append{T}"/>. Starting another dataset or
    /// completing the file finishes it.
    /// </summary>
    public Hdf5DatasetWriter AddDataset(string name, Hdf5DataType type, params long[] rowShape)
    {
        if (_completed) throw new InvalidOperationException("the file is complete");
        if (name.Length == 0 || name.Contains('/') || name == "." ) throw new ArgumentException($"dataset name '{name}' must be a plain name", nameof(name));
        if (_links.Any(l => l.Name == name) || _open?.Name == name) throw new ArgumentException($"dataset '{name}' already exists", nameof(name));
        if (type.Class is not (Hdf5TypeClass.Integer or Hdf5TypeClass.Float) || type.BigEndian) throw new ArgumentException($"datasets of {type} are not written", nameof(type));
        FinishOpen();
        _open = new Hdf5DatasetWriter(this, name, type, rowShape, _out.Position);
        return _open;
    }

    internal void WriteRaw(ReadOnlySpan<byte> bytes) => _out.Write(bytes);

    private void FinishOpen()
    {
        if (_open is null) return;
        var ds = _open;
        _open = null;
        ds.Finished = true;
        long[] shape = [ds.Rows, .. ds.RowShape];
        long bytes = ds.Rows * ds.RowBytes;
        var messages = new List<byte[]>
        {
            Message(0x01, Dataspace(shape)),
            Message(0x03, Datatype(ds.Type)),
            Message(0x05, [3, 0x0A]), // fill value v3: allocated late, written if set, none set
            Message(0x08, Layout(bytes > 0 ? (ulong)ds.DataStart : Undefined, bytes)),
        };
        messages.AddRange(ds.Attributes);
        _links.Add((ds.Name, WriteObjectHeader(messages)));
    }

    /// <summary>Finishes the open dataset, writes the root group and the superblock, and renames the file into place.</summary>
    public void Complete()
    {
        if (_completed) return;
        FinishOpen();
        var messages = new List<byte[]>
        {
            Message(0x02, LinkInfo()),
            Message(0x0A, [0, 0]), // group info v0, no flags
        };
        foreach (var (name, header) in _links) messages.Add(Message(0x06, Link(name, header)));
        messages.AddRange(_rootAttributes);
        ulong root = WriteObjectHeader(messages);
        ulong eof = (ulong)_out.Length;
        var sb = new byte[SuperblockSize];
        byte[] magic = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];
        magic.CopyTo(sb, 0);
        sb[8] = 2;
        sb[9] = 8;
        sb[10] = 8;
        sb[11] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(sb.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(sb.AsSpan(20), Undefined);
        BinaryPrimitives.WriteUInt64LittleEndian(sb.AsSpan(28), eof);
        BinaryPrimitives.WriteUInt64LittleEndian(sb.AsSpan(36), root);
        BinaryPrimitives.WriteUInt32LittleEndian(sb.AsSpan(44), Lookup3.Hash(sb.AsSpan(0, 44)));
        _out.Position = 0;
        _out.Write(sb);
        _out.Flush(flushToDisk: false);
        _out.Dispose();
        File.Move(_temp, _final, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed) return;
        _out.Dispose();
        try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private ulong WriteObjectHeader(List<byte[]> messages)
    {
        _out.Position = _out.Length;
        long body = messages.Sum(m => (long)m.Length);
        var h = new MemoryStream();
        h.Write("OHDR"u8);
        h.WriteByte(2);
        h.WriteByte(0x02); // chunk-0 size is 4 bytes
        var size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, checked((uint)body));
        h.Write(size);
        foreach (var m in messages) h.Write(m);
        byte[] bytes = h.ToArray();
        var sum = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(sum, Lookup3.Hash(bytes));
        ulong at = (ulong)_out.Position;
        _out.Write(bytes);
        _out.Write(sum);
        return at;
    }

    private static byte[] Message(int type, byte[] body)
    {
        var m = new byte[4 + body.Length];
        m[0] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(1), checked((ushort)body.Length));
        m[3] = type == 0x03 ? (byte)1 : (byte)0; // datatype: constant
        body.CopyTo(m, 4);
        return m;
    }

    private static byte[] Dataspace(long[] shape)
    {
        var b = new byte[4 + 8 * shape.Length];
        b[0] = 2;
        b[1] = (byte)shape.Length;
        b[2] = 0;
        b[3] = (byte)(shape.Length == 0 ? 0 : 1);
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(4 + 8 * i), shape[i]);
        return b;
    }

    internal static byte[] Datatype(Hdf5DataType type)
    {
        if (type.Class == Hdf5TypeClass.String)
        {
            var s = new byte[8];
            s[0] = 0x13;
            s[1] = 0x10; // null-terminated, UTF-8
            BinaryPrimitives.WriteInt32LittleEndian(s.AsSpan(4), type.Size);
            return s;
        }
        if (type.Class == Hdf5TypeClass.Integer)
        {
            var b = new byte[12];
            b[0] = 0x10;
            b[1] = (byte)(type.Signed ? 0x08 : 0);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), type.Size);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(10), (ushort)(type.Size * 8));
            return b;
        }
        var f = new byte[20];
        f[0] = 0x11;
        f[1] = 0x20; // implied leading mantissa bit, little-endian
        (int sign, int expLoc, int expSize, int mantSize, int bias) = type.Size switch
        {
            2 => (15, 10, 5, 10, 15),
            4 => (31, 23, 8, 23, 127),
            _ => (63, 52, 11, 52, 1023),
        };
        f[2] = (byte)sign;
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(4), type.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(10), (ushort)(type.Size * 8));
        f[12] = (byte)expLoc;
        f[13] = (byte)expSize;
        f[14] = 0;
        f[15] = (byte)mantSize;
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(16), bias);
        return f;
    }

    private static byte[] Layout(ulong address, long size)
    {
        var b = new byte[18];
        b[0] = 3;
        b[1] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(2), address);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(10), size);
        return b;
    }

    private static byte[] LinkInfo()
    {
        var b = new byte[18];
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(2), Undefined);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(10), Undefined);
        return b;
    }

    private static byte[] Link(string name, ulong header)
    {
        byte[] n = Encoding.UTF8.GetBytes(name);
        var b = new MemoryStream();
        b.WriteByte(1);
        b.WriteByte(0x10 | 0x01); // charset present, name length in 2 bytes
        b.WriteByte(1); // UTF-8
        b.Write(BitConverter.GetBytes(checked((ushort)n.Length)));
        b.Write(n);
        b.Write(BitConverter.GetBytes(header));
        return b.ToArray();
    }

    internal static byte[] AttributeMessage(string name, string value)
    {
        byte[] v = Encoding.UTF8.GetBytes(value);
        var data = new byte[Math.Max(1, v.Length + 1)];
        v.CopyTo(data, 0);
        return AttributeMessage(name, new Hdf5DataType(Hdf5TypeClass.String, data.Length), [], data);
    }

    internal static byte[] AttributeMessage(string name, Hdf5DataType type, long[] shape, byte[] data)
    {
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        byte[] t = Datatype(type);
        byte[] s = Dataspace(shape);
        var b = new MemoryStream();
        b.WriteByte(3);
        b.WriteByte(0);
        b.Write(BitConverter.GetBytes(checked((ushort)n.Length)));
        b.Write(BitConverter.GetBytes((ushort)t.Length));
        b.Write(BitConverter.GetBytes((ushort)s.Length));
        b.WriteByte(1); // UTF-8 name
        b.Write(n);
        b.Write(t);
        b.Write(s);
        b.Write(data);
        return Message(0x0C, b.ToArray());
    }
}
