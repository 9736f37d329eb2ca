using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Formats.NumPy;

/// <summary>
/// A NumPy .npy file (format versions 1–3), memory-mapped read-only. The header is parsed and the
/// shape checked against the file length on open; the array itself is never loaded whole:
/// <see cref="DataAddress"/> points into the mapping. C-order arrays only.
/// </summary>
public sealed unsafe class NpyFile : IDisposable
{
    /// <summary>The element types read and written (NumPy's descr in brackets).</summary>
    public enum ElementType
    {
        /// <summary><c>&lt;f2</c></summary>
        Float16,
        /// <summary><c>&lt;f4</c></summary>
        Float32,
        /// <summary><c>&lt;f8</c></summary>
        Float64,
        /// <summary><c>|i1</c></summary>
        Int8,
        /// <summary><c>|u1</c></summary>
        UInt8,
        /// <summary><c>&lt;i4</c></summary>
        Int32,
        /// <summary><c>&lt;i8</c></summary>
        Int64,
    }

    /// <summary>Headers longer than this are refused rather than read (NumPy's own are a few hundred bytes).</summary>
    public const int MaxHeaderLength = 1 << 20;
    private const int MaxDimensions = 32;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private NpyFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, Header header)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = pointer;
        Version = header.Major;
        Type = header.Type;
        Shape = header.Shape;
        DataOffset = header.DataOffset;
        ElementSize = SizeOf(header.Type);
        ElementCount = header.ElementCount;
    }

    public string Path { get; }
    /// <summary>Major format version (1, 2 or 3).</summary>
    public int Version { get; }
    public ElementType Type { get; }
    public IReadOnlyList<long> Shape { get; }
    public long DataOffset { get; }
    public int ElementSize { get; }
    public long ElementCount { get; }
    public long DataLength => ElementCount * ElementSize;

    /// <summary>First dimension (1 for a 0-d array).</summary>
    public long Rows => Shape.Count == 0 ? 1 : Shape[0];

    /// <summary>Elements per row: the product of every dimension after the first (1 for 0-d and 1-d arrays).</summary>
    public long Columns
    {
        get
        {
            long columns = 1;
            for (int i = 1; i < Shape.Count; i++) columns *= Shape[i];
            return columns;
        }
    }

    /// <summary>Address of the first element; valid until this file is disposed.</summary>
    public nint DataAddress
    {
        get
        {
            ObjectDisposedException.ThrowIf(_base == null, this);
            return (nint)(_base + DataOffset);
        }
    }

    /// <summary>The raw little-endian bytes of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> RowBytes(long row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        long rowBytes = Columns * ElementSize;
        return new ReadOnlySpan<byte>((byte*)DataAddress + row * rowBytes, checked((int)rowBytes));
    }

    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Float16 => 2,
        ElementType.Float32 => 4,
        ElementType.Float64 => 8,
        ElementType.Int8 or ElementType.UInt8 => 1,
        ElementType.Int32 => 4,
        ElementType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
    };

    public static NpyFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        long length = new FileInfo(full).Length;
        if (length < 10) throw new DataFormatException(full, $"the file is {length} bytes, too short for a .npy header", byteOffset: 0);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            Header header = ParseHeader(new ReadOnlySpan<byte>(pointer, (int)Math.Min(length, MaxHeaderLength + 12)), length, full);
            return new NpyFile(full, file, view, pointer, header);
        }
        catch
        {
            if (pointer != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            file?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    /// <summary>Writes a C-order array; the element type follows <typeparamref name="T"/> (float, Half, double, sbyte, byte, int, long).</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        ElementType type = typeof(T) switch
        {
            var t when t == typeof(float) => ElementType.Float32,
            var t when t == typeof(Half) => ElementType.Float16,
            var t when t == typeof(double) => ElementType.Float64,
            var t when t == typeof(sbyte) => ElementType.Int8,
            var t when t == typeof(byte) => ElementType.UInt8,
            var t when t == typeof(int) => ElementType.Int32,
            var t when t == typeof(long) => ElementType.Int64,
            _ => throw new ArgumentException($"{typeof(T).Name} has no .npy element type"),
        };
        Write(path, type, shape, MemoryMarshal.AsBytes(data));
    }

    /// <summary>Writes raw little-endian element bytes as a C-order array of the given shape.</summary>
    public static void Write(string path, ElementType type, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        long count = 1;
        foreach (long d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count = checked(count * d);
        }
        if (checked(count * SizeOf(type)) != data.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) needs {count * SizeOf(type)} bytes of {type}, got {data.Length}");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape.ToArray())})";
        string dict = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': {shapeText}, }}";
        bool v1 = dict.Length + 1 + 10 <= ushort.MaxValue;
        int prefix = v1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = new byte[total];
        Magic.CopyTo(header);
        header[6] = (byte)(v1 ? 1 : 2);
        header[7] = 0;
        if (v1) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(total - prefix));
        else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)(total - prefix));
        header.AsSpan(prefix).Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, header.AsSpan(prefix));
        header[^1] = (byte)'\n';
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        stream.Write(header);
        stream.Write(data);
    }

    private static string Descr(ElementType type) => type switch
    {
        ElementType.Float16 => "<f2",
        ElementType.Float32 => "<f4",
        ElementType.Float64 => "<f8",
        ElementType.Int8 => "|i1",
        ElementType.UInt8 => "|u1",
        ElementType.Int32 => "<i4",
        _ => "<i8",
    };

    private sealed record Header(int Major, ElementType Type, long[] Shape, long DataOffset, long ElementCount);

    private static Header ParseHeader(ReadOnlySpan<byte> bytes, long fileLength, string file)
    {
        if (!bytes[..6].SequenceEqual(Magic)) throw new DataFormatException(file, "not a .npy file (it does not start with \\x93NUMPY)", byteOffset: 0);
        int major = bytes[6];
        if (major is < 1 or > 3) throw new DataFormatException(file, $".npy format version {major}.{bytes[7]} is not supported (1.0–3.0 are)", byteOffset: 6);
        int prefix = major == 1 ? 10 : 12;
        if (fileLength < prefix) throw new DataFormatException(file, "the file ends inside the .npy header", byteOffset: fileLength);
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (headerLength > MaxHeaderLength) throw new DataFormatException(file, $"header length {headerLength} is over the {MaxHeaderLength}-byte limit", byteOffset: 8);
        if (prefix + headerLength > fileLength)
            throw new DataFormatException(file, $"the file is truncated: the header says it is {headerLength} bytes, but the file is {fileLength} bytes", byteOffset: 8);
        ReadOnlySpan<byte> text = bytes.Slice(prefix, (int)headerLength);
        string dict;
        try
        {
            dict = major == 3 ? new UTF8Encoding(false, true).GetString(text) : Encoding.Latin1.GetString(text);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(file, "the header is not valid UTF-8", byteOffset: prefix, inner: e);
        }
        var parser = new HeaderParser(dict, file, prefix);
        Dictionary<string, object> fields = parser.ParseDictionary();
        if (!fields.TryGetValue("descr", out object? descrValue) || descrValue is not string descr)
            throw new DataFormatException(file, "the header has no 'descr' string", byteOffset: prefix);
        if (!fields.TryGetValue("fortran_order", out object? fortranValue) || fortranValue is not bool fortran)
            throw new DataFormatException(file, "the header has no 'fortran_order' True/False", byteOffset: prefix);
        if (!fields.TryGetValue("shape", out object? shapeValue) || shapeValue is not long[] shape)
            throw new DataFormatException(file, "the header has no 'shape' tuple", byteOffset: prefix);
        ElementType type = descr switch
        {
            "<f2" => ElementType.Float16,
            "<f4" => ElementType.Float32,
            "<f8" => ElementType.Float64,
            "|i1" or "<i1" or "i1" => ElementType.Int8,
            "|u1" or "<u1" or "u1" => ElementType.UInt8,
            "<i4" => ElementType.Int32,
            "<i8" => ElementType.Int64,
            _ when descr.StartsWith('>') => throw new DataFormatException(file, $"big-endian element type '{descr}' is not supported; save the array as little-endian", byteOffset: prefix),
            _ => throw new DataFormatException(file, $"element type '{descr}' is not supported (<f2, <f4, <f8, |i1, |u1, <i4, <i8 are)", byteOffset: prefix),
        };
        if (fortran)
            throw new DataFormatException(file, "Fortran-order arrays are not supported; save with numpy.ascontiguousarray(a)", byteOffset: prefix);
        long dataOffset = prefix + headerLength;
        long available = fileLength - dataOffset;
        int size = SizeOf(type);
        // BigInteger: a lying shape must not overflow into a plausible size.
        System.Numerics.BigInteger needed = size;
        foreach (long d in shape) needed *= d;
        if (needed > available)
            throw new DataFormatException(file, $"the file is truncated: shape ({string.Join(", ", shape)}) of {descr} needs {needed} bytes of data, the file has {available}", byteOffset: dataOffset);
        if (needed < available)
            throw new DataFormatException(file, $"shape ({string.Join(", ", shape)}) of {descr} needs {needed} bytes of data, but the file has {available - (long)needed} more", byteOffset: dataOffset + (long)needed);
        long count = (long)needed / size;
        return new Header(major, type, shape, dataOffset, count);
    }

    /// <summary>Reads the Python dict literal NumPy writes: string keys; string, True/False and int-tuple values.</summary>
    private ref struct HeaderParser(string text, string file, int baseOffset)
    {
        private int _pos;

        public Dictionary<string, object> ParseDictionary()
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }
                string key = ParseString();
                Expect(':');
                SkipSpace();
                object value = Peek() switch
                {
                    '\'' or '"' => ParseString(),
                    '(' => ParseTuple(),
                    _ => ParseBool(),
                };
                if (!fields.TryAdd(key, value)) throw Error($"the header repeats the key '{key}'");
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != '}') throw Error("expected ',' or '}' in the header");
            }
            SkipSpace();
            if (_pos != text.Length) throw Error("unexpected text after the header dictionary");
            return fields;
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var values = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _pos++;
                    return values.ToArray();
                }
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (start == _pos || !long.TryParse(text.AsSpan(start, _pos - start), out long value))
                    throw Error("the shape must be a tuple of non-negative integers");
                if (_pos < text.Length && text[_pos] == 'L') _pos++; // Python 2 long suffix
                values.Add(value);
                if (values.Count > MaxDimensions) throw Error($"the shape has more than {MaxDimensions} dimensions");
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != ')') throw Error("expected ',' or ')' in the shape");
            }
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0)
            {
                _pos += 4;
                return true;
            }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0)
            {
                _pos += 5;
                return false;
            }
            throw Error("expected a string, a tuple, True or False");
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Error("expected a quoted string");
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Error("a string in the header is not closed");
            string value = text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return value;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Error($"expected '{c}' in the header");
            _pos++;
        }

        private readonly char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private readonly DataFormatException Error(string problem) => new(file, problem, byteOffset: baseOffset + _pos);
    }
}
