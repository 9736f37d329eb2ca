namespace Trawl.Formats.Hdf5;

/// <summary>An element type: integers of 8–64 bits in either byte order, IEEE float16/32/64, strings.</summary>
public sealed record Hdf5DataType(Hdf5TypeClass Class, int Size, bool Signed = false, bool BigEndian = false)
{
    public static Hdf5DataType Int8 { get; } = new(Hdf5TypeClass.Integer, 1, true);
    public static Hdf5DataType UInt8 { get; } = new(Hdf5TypeClass.Integer, 1, false);
    public static Hdf5DataType Int32 { get; } = new(Hdf5TypeClass.Integer, 4, true);
    public static Hdf5DataType Int64 { get; } = new(Hdf5TypeClass.Integer, 8, true);
    public static Hdf5DataType UInt64 { get; } = new(Hdf5TypeClass.Integer, 8, false);
    public static Hdf5DataType Float16 { get; } = new(Hdf5TypeClass.Float, 2);
    public static Hdf5DataType Float32 { get; } = new(Hdf5TypeClass.Float, 4);
    public static Hdf5DataType Float64 { get; } = new(Hdf5TypeClass.Float, 8);

    /// <summary>numpy-like name: int32, uint8, float16, >f4 for big-endian, S12 for strings.</summary>
    public override string ToString()
    {
        string order = BigEndian && Size > 1 ? ">" : "";
        return Class switch
        {
            Hdf5TypeClass.Integer => $"{order}{(Signed ? "int" : "uint")}{Size * 8}",
            Hdf5TypeClass.Float => $"{order}float{Size * 8}",
            Hdf5TypeClass.String => $"S{Size}",
            _ => "string (variable length)",
        };
    }

    /// <summary>Parses a datatype message (version 1–3 encodings of the classes above).</summary>
    internal static Hdf5DataType Parse(ref Hdf5Cursor c)
    {
        byte classVersion = c.U8();
        int cls = classVersion & 0x0F;
        byte b0 = c.U8();
        c.U8();
        c.U8();
        uint size = c.U32();
        switch (cls)
        {
            case 0: // fixed-point
            {
                c.U16(); // bit offset
                int precision = c.U16();
                if (size is not (1 or 2 or 4 or 8) || precision != size * 8)
                    throw c.Error($"integers of {size} bytes with {precision} bits of precision are not supported (8, 16, 32 or 64 bits)");
                return new Hdf5DataType(Hdf5TypeClass.Integer, (int)size, (b0 & 0x08) != 0, (b0 & 0x01) != 0);
            }
            case 1: // floating-point
            {
                if ((b0 & 0x40) != 0) throw c.Error("VAX-ordered floats are not supported");
                c.U16();
                int precision = c.U16();
                c.Skip(8); // exponent/mantissa locations and sizes, bias: IEEE is assumed and checked by size
                if (size is not (2 or 4 or 8) || precision != size * 8)
                    throw c.Error($"floats of {size} bytes with {precision} bits of precision are not supported (IEEE float16, float32, float64)");
                return new Hdf5DataType(Hdf5TypeClass.Float, (int)size, false, (b0 & 0x01) != 0);
            }
            case 3: // string
                if (size is 0 or > 1 << 20) throw c.Error($"fixed-length string of {size} bytes is not supported");
                return new Hdf5DataType(Hdf5TypeClass.String, (int)size);
            case 9: // variable-length
            {
                int kind = b0 & 0x0F;
                if (kind != 1) throw c.Error("variable-length sequences are not supported (only variable-length strings)");
                Parse(ref c); // base type (characters)
                return new Hdf5DataType(Hdf5TypeClass.VariableString, (int)size);
            }
            default:
                string name = cls switch { 2 => "time", 4 => "bitfield", 5 => "opaque", 6 => "compound", 7 => "reference", 8 => "enum", 10 => "array", _ => $"class {cls}" };
                throw c.Error($"the {name} datatype is not supported (integers, IEEE floats and strings are)");
        }
    }
}
