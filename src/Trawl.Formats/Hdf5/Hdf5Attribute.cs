using System.Buffers.Binary;
using System.Text;

namespace Trawl.Formats.Hdf5;

/// <summary>An attribute: name, type, shape (empty for a scalar) and its values, already read.</summary>
public sealed class Hdf5Attribute
{
    internal Hdf5Attribute(string name, Hdf5DataType type, long[] shape, byte[] data, string[]? strings)
    {
        Name = name;
        Type = type;
        Shape = shape;
        Data = data;
        _strings = strings;
    }

    private readonly string[]? _strings;

    public string Name { get; }
    public Hdf5DataType Type { get; }
    public long[] Shape { get; }
    /// <summary>The raw elements (little-endian after reading; strings as stored).</summary>
    internal byte[] Data { get; }

    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values as strings (numbers formatted invariantly).</summary>
    public IReadOnlyList<string> Strings()
    {
        if (_strings is not null) return _strings;
        var list = new List<string>();
        if (Type.Class == Hdf5TypeClass.String)
        {
            for (int i = 0; i + Type.Size <= Data.Length; i += Type.Size)
            {
                var s = Data.AsSpan(i, Type.Size);
                int end = s.IndexOf((byte)0);
                list.Add(Encoding.UTF8.GetString(end < 0 ? s : s[..end]).TrimEnd(' '));
            }
            return list;
        }
        for (int i = 0; i < Data.Length / Type.Size; i++)
            list.Add(Type.Class == Hdf5TypeClass.Float
                ? Hdf5Elements.ReadDouble(Data, i, Type).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                : Type.Signed ? Hdf5Elements.ReadInt64(Data, i, Type).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : ((ulong)Hdf5Elements.ReadInt64(Data, i, Type)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return list;
    }

    /// <summary>The first value as a string; a scalar attribute's value.</summary>
    public string AsString() => Strings() is { Count: > 0 } s ? s[0] : "";

    /// <summary>The first value as a number, when numeric (or a string holding a number).</summary>
    public double? AsDouble()
    {
        if (Type.Class == Hdf5TypeClass.Float && Data.Length >= Type.Size) return Hdf5Elements.ReadDouble(Data, 0, Type);
        if (Type.Class == Hdf5TypeClass.Integer && Data.Length >= Type.Size) return Hdf5Elements.ReadInt64(Data, 0, Type);
        return double.TryParse(AsString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d : null;
    }

    /// <summary>For display: the value, or a list of values.</summary>
    public string Display()
    {
        var s = Strings();
        if (Shape.Length == 0) return s.Count > 0 ? s[0] : "";
        return "[" + string.Join(", ", s.Take(16)) + (s.Count > 16 ? ", ..." : "") + "]";
    }

    internal static long ReadCount(byte[] data) => BinaryPrimitives.ReadInt64LittleEndian(data);
}
