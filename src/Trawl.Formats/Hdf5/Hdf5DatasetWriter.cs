using System.Runtime.InteropServices;

namespace Trawl.Formats.Hdf5;

/// <summary>A contiguous dataset being written by an <see cref="Hdf5Writer"/>: rows appended in order.</summary>
public sealed class Hdf5DatasetWriter
{
    private readonly Hdf5Writer _file;

    internal Hdf5DatasetWriter(Hdf5Writer file, string name, Hdf5DataType type, long[] rowShape, long dataStart)
    {
        _file = file;
        Name = name;
        Type = type;
        RowShape = rowShape;
        DataStart = dataStart;
        long elements = 1;
        foreach (long d in rowShape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(rowShape));
            elements = checked(elements * d);
        }
        RowElements = elements;
        RowBytes = elements * type.Size;
    }

    public string Name { get; }
    public Hdf5DataType Type { get; }
    public long[] RowShape { get; }
    public long RowElements { get; }
    public long RowBytes { get; }
    public long Rows { get; private set; }
    internal long DataStart { get; }
    internal bool Finished { get; set; }
    internal List<byte[]> Attributes { get; } = [];

    public void SetAttribute(string name, string value) => Attributes.Add(Hdf5Writer.AttributeMessage(name, value));
    public void SetAttribute(string name, double value) => Attributes.Add(Hdf5Writer.AttributeMessage(name, Hdf5DataType.Float64, [], BitConverter.GetBytes(value)));
    public void SetAttribute(string name, long value) => Attributes.Add(Hdf5Writer.AttributeMessage(name, Hdf5DataType.Int64, [], BitConverter.GetBytes(value)));

    /// <summary>Appends whole rows; <typeparamref name="T"/> must match the element size (e.g. Half for float16, int for int32).</summary>
    public void Append<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (Finished) throw new InvalidOperationException($"dataset '{Name}' is finished");
        if (Marshal.SizeOf<T>() != Type.Size) throw new ArgumentException($"{typeof(T).Name} values do not match {Type}", nameof(values));
        if (values.Length % RowElements != 0) throw new ArgumentException($"{values.Length} values is not a whole number of {RowElements}-element rows", nameof(values));
        _file.WriteRaw(MemoryMarshal.AsBytes(values));
        Rows += values.Length / RowElements;
    }

    /// <summary>Appends whole rows given as raw little-endian bytes.</summary>
    public void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        if (Finished) throw new InvalidOperationException($"dataset '{Name}' is finished");
        if (bytes.Length % RowBytes != 0) throw new ArgumentException($"{bytes.Length} bytes is not a whole number of {RowBytes}-byte rows", nameof(bytes));
        _file.WriteRaw(bytes);
        Rows += bytes.Length / RowBytes;
    }
}
