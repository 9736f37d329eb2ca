using System.IO.Compression;
using System.Runtime.InteropServices;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// One dataset: shape, element type, layout and attributes, and reads of whole rows (the first
/// dimension) into caller buffers, chunk by chunk, converted to little-endian. Chunks are checked
/// before allocating: a chunk's declared size is capped, and its inflated size must equal its shape.
/// </summary>
public sealed unsafe class Hdf5Dataset
{
    /// <summary>The largest decoded chunk accepted.</summary>
    public const long MaxChunkBytes = 512L << 20;
    private const int MaxRank = 32;

    private readonly Hdf5Source _src;
    private readonly ulong _address;
    private readonly byte[]? _compact;
    private readonly (Hdf5Filter Filter, int[] Values)[] _pipeline;
    private readonly ulong _indexAddress;
    private readonly long _singleChunkSize;
    private readonly uint _singleChunkMask;
    private readonly int _pageBits;
    private readonly Lock _lock = new();
    private Dictionary<long, Hdf5ChunkRef>? _chunks;
    private long _cachedChunk = -1;
    private byte[]? _cachedData;

    private Hdf5Dataset(Hdf5Source src, string path, long[] shape, long[]? maxShape, Hdf5DataType type, Hdf5Layout layout, long[]? chunkShape,
        Hdf5ChunkIndexKind index, ulong address, ulong indexAddress, long storedSize, uint mask, int pageBits, byte[]? compact,
        (Hdf5Filter, int[])[] pipeline, IReadOnlyList<Hdf5Attribute> attributes)
    {
        _src = src;
        Path = path;
        Shape = shape;
        MaxShape = maxShape;
        Type = type;
        Layout = layout;
        ChunkShape = chunkShape;
        ChunkIndex = index;
        _address = address;
        _indexAddress = indexAddress;
        _singleChunkSize = storedSize;
        _singleChunkMask = mask;
        _pageBits = pageBits;
        _compact = compact;
        _pipeline = pipeline;
        Attributes = attributes;
        RowElements = 1;
        for (int i = 1; i < shape.Length; i++) RowElements = checked(RowElements * shape[i]);
    }

    /// <summary>Full path in the file ("/emb").</summary>
    public string Path { get; }
    /// <summary>Name without the leading groups ("emb").</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
    /// <summary>Dimensions as h5py reports them (C order); empty for a scalar.</summary>
    public long[] Shape { get; }
    public long[]? MaxShape { get; }
    public Hdf5DataType Type { get; }
    public Hdf5Layout Layout { get; }
    public long[]? ChunkShape { get; }
    public Hdf5ChunkIndexKind ChunkIndex { get; }
    public IReadOnlyList<Hdf5Filter> Filters => _pipeline.Select(p => p.Filter).ToList();
    public IReadOnlyList<Hdf5Attribute> Attributes { get; }
    /// <summary>Set when the dataset uses a filter Trawl cannot apply: what it is (reads fail with this).</summary>
    public string? UnsupportedFilter { get; private init; }

    /// <summary>Rows: the first dimension (1 for a scalar).</summary>
    public long Rows => Shape.Length == 0 ? 1 : Shape[0];
    /// <summary>Elements per row: the product of the other dimensions.</summary>
    public long RowElements { get; }
    public long RowBytes => RowElements * Type.Size;

    public Hdf5Attribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    internal static Hdf5Dataset FromHeader(Hdf5Source src, Hdf5ObjectHeader header, string path, IReadOnlyList<Hdf5Attribute> attributes)
    {
        var spaceMsg = header.First(Hdf5ObjectHeader.Dataspace) ?? throw src.Error("has no dataspace message", dataset: path);
        var typeMsg = header.First(Hdf5ObjectHeader.Datatype) ?? throw src.Error("has no datatype message", dataset: path);
        var layoutMsg = header.First(Hdf5ObjectHeader.Layout) ?? throw src.Error("has no layout message", dataset: path);
        var sc = new Hdf5Cursor(spaceMsg.Body, src, spaceMsg.FileOffset, "dataspace", path);
        long[] shape = ParseDataspace(ref sc, out long[]? maxShape);
        var tc = new Hdf5Cursor(typeMsg.Body, src, typeMsg.FileOffset, "datatype", path);
        Hdf5DataType type = Hdf5DataType.Parse(ref tc);
        if (type.Class == Hdf5TypeClass.VariableString)
            throw src.Error("variable-length string datasets are not supported", typeMsg.FileOffset, path);
        var pipeline = new List<(Hdf5Filter, int[])>();
        string? unsupported = null;
        if (header.First(Hdf5ObjectHeader.FilterPipeline) is { } fp)
            unsupported = ParseFilters(src, fp, path, pipeline);

        var c = new Hdf5Cursor(layoutMsg.Body, src, layoutMsg.FileOffset, "layout", path);
        int version = c.U8();
        long[]? chunk = null;
        ulong address = ulong.MaxValue, indexAddress = ulong.MaxValue;
        byte[]? compact = null;
        Hdf5Layout layout;
        var index = Hdf5ChunkIndexKind.None;
        long storedSize = 0;
        uint mask = 0;
        int pageBits = 0;
        if (version is 1 or 2)
        {
            int dims = c.U8();
            int cls = c.U8();
            c.Skip(5);
            if (dims is < 1 or > MaxRank + 1) throw c.Error($"layout has {dims} dimensions");
            if (cls != 0) address = c.Address();
            var d = new long[dims];
            for (int i = 0; i < dims; i++) d[i] = c.U32();
            if (cls == 2)
            {
                c.U32();
                layout = Hdf5Layout.Chunked;
                chunk = d[..^1];
                index = Hdf5ChunkIndexKind.BTreeV1;
                indexAddress = address;
            }
            else if (cls == 1) layout = Hdf5Layout.Contiguous;
            else
            {
                layout = Hdf5Layout.Compact;
                compact = c.Bytes(c.U32()).ToArray();
            }
        }
        else if (version is 3 or 4)
        {
            int cls = c.U8();
            switch (cls)
            {
                case 0:
                    layout = Hdf5Layout.Compact;
                    compact = c.Bytes(c.U16()).ToArray();
                    break;
                case 1:
                    layout = Hdf5Layout.Contiguous;
                    address = c.Address();
                    c.Length();
                    break;
                case 2:
                    layout = Hdf5Layout.Chunked;
                    if (version == 3)
                    {
                        int dims = c.U8();
                        if (dims is < 2 or > MaxRank + 1) throw c.Error($"chunked layout has {dims} dimensions");
                        indexAddress = c.Address();
                        chunk = new long[dims - 1];
                        for (int i = 0; i < dims - 1; i++) chunk[i] = c.U32();
                        c.U32();
                        index = Hdf5ChunkIndexKind.BTreeV1;
                    }
                    else
                    {
                        int flags = c.U8();
                        int dims = c.U8();
                        int encoded = c.U8();
                        if (dims is < 2 or > MaxRank + 1 || encoded is < 1 or > 8) throw c.Error($"chunked layout has {dims} dimensions of {encoded} bytes");
                        chunk = new long[dims - 1];
                        for (int i = 0; i < dims - 1; i++) chunk[i] = (long)c.Sized(encoded);
                        c.Sized(encoded);
                        int kind = c.U8();
                        switch (kind)
                        {
                            case 1:
                                index = Hdf5ChunkIndexKind.SingleChunk;
                                if ((flags & 2) != 0)
                                {
                                    storedSize = (long)c.Length();
                                    mask = c.U32();
                                }
                                break;
                            case 2: index = Hdf5ChunkIndexKind.Implicit; break;
                            case 3: index = Hdf5ChunkIndexKind.FixedArray; pageBits = c.U8(); break;
                            case 4: index = Hdf5ChunkIndexKind.ExtensibleArray; c.Skip(5); break;
                            case 5: index = Hdf5ChunkIndexKind.BTreeV2; c.Skip(6); break;
                            default: throw c.Error($"chunk index type {kind} is unknown");
                        }
                        indexAddress = c.Address();
                    }
                    break;
                default:
                    throw c.Error(cls == 3 ? "virtual datasets are not supported" : $"layout class {cls} is unknown");
            }
        }
        else throw c.Error($"layout message version {version} is not supported");

        if (chunk is not null)
        {
            if (chunk.Length != shape.Length) throw c.Error($"chunks have {chunk.Length} dimensions but the dataset has {shape.Length}");
            long elements = 1;
            foreach (long d in chunk)
            {
                if (d < 1) throw c.Error($"chunk dimension {d} is not positive");
                elements = checked(elements * d);
            }
            if (elements * type.Size > MaxChunkBytes) throw c.Error($"chunks of {elements * type.Size} bytes exceed the {MaxChunkBytes}-byte limit");
        }
        if (layout != Hdf5Layout.Chunked && pipeline.Count > 0) pipeline.Clear();
        var ds = new Hdf5Dataset(src, path, shape, maxShape, type, layout, chunk, index, address, indexAddress, storedSize, mask, pageBits, compact, pipeline.ToArray(), attributes)
        {
            UnsupportedFilter = unsupported,
        };
        long total = checked(ds.Rows * ds.RowBytes);
        if (layout == Hdf5Layout.Compact && compact!.Length < total)
            throw c.Error($"compact data holds {compact.Length} bytes but shape ({string.Join(", ", shape)}) needs {total}");
        if (layout == Hdf5Layout.Contiguous && total > 0)
            src.Check(address, total, "contiguous data", path);
        return ds;
    }

    internal static long[] ParseDataspace(ref Hdf5Cursor c, out long[]? maxShape)
    {
        int version = c.U8();
        int rank = c.U8();
        int flags = c.U8();
        maxShape = null;
        if (rank > MaxRank) throw c.Error($"dataspace of rank {rank} (at most {MaxRank})");
        if (version == 1) c.Skip(5);
        else if (version == 2)
        {
            if (c.U8() == 2) return [0];
        }
        else throw c.Error($"dataspace version {version} is not supported");
        var shape = new long[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = (long)c.Length();
            if (shape[i] < 0) throw c.Error($"dimension {i} is {shape[i]}");
            total = checked(total * Math.Max(1, shape[i]));
        }
        if ((flags & 1) != 0)
        {
            maxShape = new long[rank];
            for (int i = 0; i < rank; i++) maxShape[i] = (long)c.Length();
        }
        return shape;
    }

    /// <summary>Reads the pipeline; returns a description of the first filter Trawl cannot apply (reading the dataset then fails with it).</summary>
    private static string? ParseFilters(Hdf5Source src, Hdf5ObjectHeader.Message m, string path, List<(Hdf5Filter, int[])> pipeline)
    {
        var c = new Hdf5Cursor(m.Body, src, m.FileOffset, "filter pipeline", path);
        int version = c.U8();
        int count = c.U8();
        if (version == 1) c.Skip(6);
        else if (version != 2) throw c.Error($"filter pipeline version {version} is not supported");
        for (int i = 0; i < count; i++)
        {
            int id = c.U16();
            int nameLength = version == 1 || id >= 256 ? c.U16() : 0;
            int flags = c.U16();
            int values = c.U16();
            string name = "";
            if (nameLength > 0)
            {
                var nb = c.Bytes(version == 1 ? (nameLength + 7) / 8 * 8 : nameLength);
                int z = nb.IndexOf((byte)0);
                name = System.Text.Encoding.ASCII.GetString(z < 0 ? nb : nb[..z]);
            }
            var v = new int[values];
            for (int j = 0; j < values; j++) v[j] = (int)c.U32();
            if (version == 1 && values % 2 == 1) c.Skip(4);
            if (id is not (1 or 2 or 3))
            {
                bool optional = (flags & 1) != 0;
                string what = id switch { 4 => "szip", 5 => "nbit", 6 => "scaleoffset", 32000 => "lzf", 32001 => "blosc", 32004 => "lz4", 32008 => "bitshuffle", 32015 => "zstd", _ => name.Length > 0 ? name : "unknown" };
                return $"uses the {what} filter (id {id}{(optional ? ", optional" : "")}), which Trawl does not read (deflate, shuffle and fletcher32 are supported)";
            }
            pipeline.Add(((Hdf5Filter)id, v));
        }
        return null;
    }

    /// <summary>Reads rows [first, first + count) into <paramref name="destination"/> (count × RowBytes bytes), little-endian.</summary>
    public void ReadRows(long first, long count, Span<byte> destination)
    {
        if (first < 0 || count < 0 || first > Rows - count) throw new ArgumentOutOfRangeException(nameof(first), $"rows {first}..{first + count} are outside 0..{Rows} of dataset '{Path}'");
        long bytes = count * RowBytes;
        if (destination.Length < bytes) throw new ArgumentException($"destination holds {destination.Length} bytes, {bytes} needed", nameof(destination));
        if (bytes == 0) return;
        fixed (byte* p = destination)
            ReadRows(first, count, p);
    }

    /// <summary>Reads rows into unmanaged memory of count × RowBytes bytes (for reads larger than 2 GB).</summary>
    public void ReadRows(long first, long count, byte* destination)
    {
        if (first < 0 || count < 0 || first > Rows - count) throw new ArgumentOutOfRangeException(nameof(first), $"rows {first}..{first + count} are outside 0..{Rows} of dataset '{Path}'");
        long bytes = count * RowBytes;
        if (bytes == 0) return;
        switch (Layout)
        {
            case Hdf5Layout.Compact:
                _compact.AsSpan(checked((int)(first * RowBytes)), (int)bytes).CopyTo(new Span<byte>(destination, (int)bytes));
                break;
            case Hdf5Layout.Contiguous:
            {
                if (Hdf5Source.IsUndefined(_address)) { new Span<byte>(destination, checked((int)bytes)).Clear(); break; }
                long at = _src.Check(_address + (ulong)(first * RowBytes), bytes, "contiguous data", Path);
                for (long done = 0; done < bytes;)
                {
                    int n = (int)Math.Min(bytes - done, 1 << 30);
                    _src.ReadExactly(at + done, new Span<byte>(destination + done, n));
                    done += n;
                }
                break;
            }
            default:
                try
                {
                    ReadChunked(first, count, destination);
                }
                catch (OverflowException e)
                {
                    throw _src.Error("corrupt chunk index: " + e.Message, dataset: Path, inner: e);
                }
                return; // chunks are swapped as they are decoded
        }
        if (Type.BigEndian) SwapAll(destination, bytes);
    }

    private void SwapAll(byte* p, long bytes)
    {
        for (long done = 0; done < bytes;)
        {
            int n = (int)Math.Min(bytes - done, 1 << 30);
            Hdf5Elements.SwapInPlace(new Span<byte>(p + done, n), Type.Size);
            done += n;
        }
    }

    /// <summary>The whole dataset as 64-bit integers (small datasets: at most 2^28 values).</summary>
    public long[] ReadAllAsInt64()
    {
        byte[] raw = ReadAllBytes();
        long n = raw.Length / Type.Size;
        var result = new long[n];
        if (Type.Class == Hdf5TypeClass.Float)
            for (long i = 0; i < n; i++) result[i] = (long)Hdf5Elements.ReadDouble(raw, i, Type);
        else
            for (long i = 0; i < n; i++) result[i] = Hdf5Elements.ReadInt64(raw, i, Type);
        return result;
    }

    /// <summary>The whole dataset as doubles (small datasets).</summary>
    public double[] ReadAllAsDouble()
    {
        byte[] raw = ReadAllBytes();
        long n = raw.Length / Type.Size;
        var result = new double[n];
        for (long i = 0; i < n; i++) result[i] = Hdf5Elements.ReadDouble(raw, i, Type);
        return result;
    }

    /// <summary>Rows [first, first + count) widened to float (numeric datasets).</summary>
    public void ReadRowsAsFloat(long first, long count, Span<float> destination)
    {
        if (Type.Class is not (Hdf5TypeClass.Float or Hdf5TypeClass.Integer)) throw _src.Error($"holds {Type}, not numbers", dataset: Path);
        long n = count * RowElements;
        if (destination.Length < n) throw new ArgumentException("destination too short", nameof(destination));
        if (Type with { BigEndian = false } == Hdf5DataType.Float32)
        {
            ReadRows(first, count, MemoryMarshal.AsBytes(destination[..(int)n]));
            return;
        }
        byte[] raw = new byte[checked(n * Type.Size)];
        ReadRows(first, count, raw);
        if (Type.Class == Hdf5TypeClass.Float && Type.Size == 2)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(raw);
            for (int i = 0; i < n; i++) destination[i] = (float)halves[i];
            return;
        }
        for (int i = 0; i < n; i++) destination[i] = (float)Hdf5Elements.ReadDouble(raw, i, Type);
    }

    private byte[] ReadAllBytes()
    {
        long bytes = Rows * RowBytes;
        if (bytes > 1L << 30) throw _src.Error($"is {bytes} bytes, too large to read whole; read it by rows", dataset: Path);
        var raw = new byte[bytes];
        ReadRows(0, Rows, raw);
        return raw;
    }

    // ---- chunked reads ----

    private long[] GridShape()
    {
        var g = new long[Shape.Length];
        for (int i = 0; i < g.Length; i++) g[i] = (Shape[i] + ChunkShape![i] - 1) / ChunkShape[i];
        return g;
    }

    private long ChunkBytes => ChunkShape!.Aggregate(1L, (a, b) => a * b) * Type.Size;

    private void ReadChunked(long first, long count, byte* destination)
    {
        if (UnsupportedFilter is not null) throw _src.Error(UnsupportedFilter, dataset: Path);
        var chunks = ChunkTable();
        long[] grid = GridShape();
        long c0 = ChunkShape![0];
        long others = 1;
        for (int i = 1; i < grid.Length; i++) others *= grid[i];
        long g0First = first / c0, g0Last = (first + count - 1) / c0;
        var jobs = new List<long>();
        for (long g0 = g0First; g0 <= g0Last; g0++)
            for (long o = 0; o < others; o++) jobs.Add(g0 * others + o);
        nint dest = (nint)destination;
        void Job(long linear)
        {
            byte[]? data = DecodeChunk(linear, chunks);
            CopyChunk(linear, data, first, count, (byte*)dest);
        }
        if (jobs.Count >= 4 && Environment.ProcessorCount > 1)
        {
            try
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Job);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
        else
            foreach (long j in jobs) Job(j);
    }

    /// <summary>Copies the part of chunk <paramref name="linear"/> inside rows [first, first+count) to its place; a missing chunk (null) is zeros.</summary>
    private void CopyChunk(long linear, byte[]? data, long first, long count, byte* destination)
    {
        int rank = Shape.Length;
        long[] grid = GridShape();
        var origin = new long[rank];
        long rest = linear;
        for (int i = rank - 1; i >= 0; i--)
        {
            origin[i] = rest % grid[i] * ChunkShape![i];
            rest /= grid[i];
        }
        // Element ranges of the chunk inside the request, per dimension.
        var lo = new long[rank];
        var hi = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long start = i == 0 ? first : 0, end = i == 0 ? first + count : Shape[i];
            lo[i] = Math.Max(origin[i], start);
            hi[i] = Math.Min(origin[i] + ChunkShape![i], end);
            if (lo[i] >= hi[i]) return;
        }
        int size = Type.Size;
        long run = (hi[rank - 1] - lo[rank - 1]) * size;
        var idx = (long[])lo.Clone();
        while (true)
        {
            long src = 0, dst = 0;
            for (int i = 0; i < rank; i++)
            {
                src = src * ChunkShape![i] + (idx[i] - origin[i]);
                dst = dst * (i == 0 ? count : Shape[i]) + (i == 0 ? idx[i] - first : idx[i]);
            }
            var target = new Span<byte>(destination + dst * size, (int)run);
            if (data is null) target.Clear();
            else data.AsSpan((int)(src * size), (int)run).CopyTo(target);
            int d = rank - 2;
            while (d >= 0)
            {
                if (++idx[d] < hi[d]) break;
                idx[d] = lo[d];
                d--;
            }
            if (d < 0) break;
        }
    }

    private byte[]? DecodeChunk(long linear, Dictionary<long, Hdf5ChunkRef> chunks)
    {
        lock (_lock)
        {
            if (_cachedChunk == linear && _cachedData is not null) return _cachedData;
        }
        if (!chunks.TryGetValue(linear, out var r)) return null; // never written: fill value (zeros)
        long expected = ChunkBytes;
        if (r.StoredSize < 0 || r.StoredSize > MaxChunkBytes + 4096)
            throw _src.Error($"chunk {linear} declares {r.StoredSize} stored bytes: corrupt", dataset: Path);
        long at = _src.Check(r.Address, r.StoredSize, $"chunk {linear}", Path);
        byte[] buffer = new byte[r.StoredSize];
        _src.ReadExactly(at, buffer);
        byte[] data = buffer;
        for (int i = _pipeline.Length - 1; i >= 0; i--)
        {
            if ((r.FilterMask & (1u << i)) != 0) continue;
            switch (_pipeline[i].Filter)
            {
                case Hdf5Filter.Deflate:
                    data = Inflate(data, expected, linear, at);
                    break;
                case Hdf5Filter.Shuffle:
                    data = Unshuffle(data, Type.Size);
                    break;
                case Hdf5Filter.Fletcher32:
                    if (data.Length < 4) throw _src.Error($"chunk {linear} is too short for its fletcher32 checksum", at, Path);
                    data = data[..^4];
                    break;
            }
        }
        if (data.Length != expected)
            throw _src.Error($"chunk {linear} holds {data.Length} bytes after decoding, but its shape ({string.Join(" × ", ChunkShape!)}) of {Type} needs {expected}: the data does not match the declared shape", at, Path);
        if (Type.BigEndian) Hdf5Elements.SwapInPlace(data, Type.Size);
        lock (_lock)
        {
            _cachedChunk = linear;
            _cachedData = data;
        }
        return data;
    }

    private byte[] Inflate(byte[] input, long expected, long linear, long at)
    {
        var output = new byte[expected];
        try
        {
            using var z = new ZLibStream(new MemoryStream(input), CompressionMode.Decompress);
            int n = z.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            if (n != expected)
                throw _src.Error($"chunk {linear} inflates to {n} bytes, but its declared shape needs {expected}", at, Path);
            if (z.ReadByte() >= 0)
                throw _src.Error($"chunk {linear} inflates to more than the {expected} bytes its declared shape needs", at, Path);
        }
        catch (IOException e)
        {
            throw _src.Error($"chunk {linear} is not valid deflate data: {e.Message}", at, Path, e);
        }
        catch (InvalidDataException e)
        {
            throw _src.Error($"chunk {linear} is not valid deflate data: {e.Message}", at, Path, e);
        }
        return output;
    }

    private static byte[] Unshuffle(byte[] input, int size)
    {
        if (size == 1) return input;
        var output = new byte[input.Length];
        int n = input.Length / size;
        for (int b = 0; b < size; b++)
        {
            int src = b * n;
            for (int i = 0; i < n; i++) output[i * size + b] = input[src + i];
        }
        // Bytes past the last whole element are left as they were (HDF5 does the same).
        Array.Copy(input, n * size, output, n * size, input.Length - n * size);
        return output;
    }

    private Dictionary<long, Hdf5ChunkRef> ChunkTable()
    {
        lock (_lock)
        {
            if (_chunks is not null) return _chunks;
        }
        var table = new Dictionary<long, Hdf5ChunkRef>();
        long[] grid = GridShape();
        long total = grid.Aggregate(1L, (a, b) => checked(a * b));
        if (!Hdf5Source.IsUndefined(_indexAddress) && total > 0)
        {
            var reader = new Hdf5ChunkIndexReader(_src, Path, grid, ChunkShape!, Type.Size, _pipeline.Length > 0);
            switch (ChunkIndex)
            {
                case Hdf5ChunkIndexKind.BTreeV1: reader.ReadBTreeV1(_indexAddress, table); break;
                case Hdf5ChunkIndexKind.SingleChunk:
                    table[0] = new Hdf5ChunkRef(_indexAddress, _pipeline.Length > 0 ? _singleChunkSize : ChunkBytes, _singleChunkMask);
                    break;
                case Hdf5ChunkIndexKind.Implicit:
                    _src.Check(_indexAddress, checked(total * ChunkBytes), "implicit chunk index", Path);
                    for (long i = 0; i < total; i++) table[i] = new Hdf5ChunkRef(_indexAddress + (ulong)(i * ChunkBytes), ChunkBytes, 0);
                    break;
                case Hdf5ChunkIndexKind.FixedArray: reader.ReadFixedArray(_indexAddress, total, MaxShape, table); break;
                case Hdf5ChunkIndexKind.ExtensibleArray: reader.ReadExtensibleArray(_indexAddress, MaxShape, table); break;
                case Hdf5ChunkIndexKind.BTreeV2: reader.ReadBTreeV2(_indexAddress, table); break;
                default:
                    throw _src.Error($"chunk index {ChunkIndex} is unknown", dataset: Path);
            }
        }
        lock (_lock) _chunks = table;
        return table;
    }

    internal int PageBits => _pageBits;
}
