using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Hdf5;

/// <summary>
/// Reads an HDF5 file: superblock versions 0–3, object headers v1 and v2, old-style (symbol table) and
/// compact new-style (link message) groups, datasets with contiguous, compact or chunked layouts, and
/// attributes. Every address and length is checked against the file before it is used; bad input is a
/// <see cref="DataFormatException"/> naming the file, the dataset and the byte offset. See docs/hdf5.md.
/// </summary>
public sealed class Hdf5File : IDisposable
{
    private static readonly byte[] Magic = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];
    private const int MaxDepth = 64;
    private const int MaxLinks = 1 << 20;

    private readonly Hdf5Source _src;
    private readonly Dictionary<string, Hdf5Dataset> _datasets = new(StringComparer.Ordinal);
    private readonly List<string> _groups = [];
    private readonly Dictionary<string, IReadOnlyList<Hdf5Attribute>> _groupAttributes = new(StringComparer.Ordinal);

    private Hdf5File(Hdf5Source src) => _src = src;

    public string Path => _src.Path;
    public int SuperblockVersion { get; private set; }
    /// <summary>Every dataset in the file by its full path ("/emb", "/train/emb"), in the order found.</summary>
    public IReadOnlyList<Hdf5Dataset> Datasets => _datasets.Values.ToList();
    /// <summary>Every group's full path ("/" first).</summary>
    public IReadOnlyList<string> Groups => _groups;
    /// <summary>The root group's attributes.</summary>
    public IReadOnlyList<Hdf5Attribute> Attributes => _groupAttributes["/"];

    public IReadOnlyList<Hdf5Attribute> GroupAttributes(string group) => _groupAttributes.TryGetValue(Normalize(group), out var a) ? a : [];

    public static Hdf5File Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var src = new Hdf5Source(path);
        var file = new Hdf5File(src);
        try
        {
            file.ReadStructure();
            return file;
        }
        catch (DataFormatException)
        {
            src.Dispose();
            throw;
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or InvalidDataException)
        {
            src.Dispose();
            throw src.Error("corrupt structure: " + e.Message, inner: e);
        }
    }

    /// <summary>True when the file starts (or starts at 512, 1024, ... bytes) with the HDF5 signature.</summary>
    public static bool LooksLikeHdf5(string path)
    {
        try
        {
            using var s = File.OpenRead(path);
            var b = new byte[8];
            return s.Read(b) == 8 && b.AsSpan().SequenceEqual(Magic);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The dataset at <paramref name="name"/> ("emb" or "/emb"); an unknown name lists those there are.</summary>
    public Hdf5Dataset Dataset(string name)
    {
        if (_datasets.TryGetValue(Normalize(name), out var d)) return d;
        throw new DataFormatException(Path, $"no dataset '{name}' (datasets: {string.Join(", ", _datasets.Keys)})");
    }

    public bool HasDataset(string name) => _datasets.ContainsKey(Normalize(name));

    private static string Normalize(string name) => name.StartsWith('/') ? name : "/" + name;

    private void ReadStructure()
    {
        long at = -1;
        var sig = new byte[8];
        for (long p = 0; p + 8 <= _src.Length; p = p == 0 ? 512 : p * 2)
        {
            _src.ReadExactly(p, sig);
            if (sig.AsSpan().SequenceEqual(Magic))
            {
                at = p;
                break;
            }
        }
        if (at < 0) throw _src.Error("not an HDF5 file (no signature at byte 0, 512, 1024, ...)", 0);
        byte[] sb = new byte[(int)Math.Min(256, _src.Length - at)];
        _src.ReadExactly(at, sb);
        var c = new Hdf5Cursor(sb, _src, at, "superblock");
        c.Skip(8);
        int version = c.U8();
        SuperblockVersion = version;
        ulong rootAddress;
        if (version is 0 or 1)
        {
            c.Skip(3);
            c.U8();
            _src.OffsetSize = c.U8();
            _src.LengthSize = c.U8();
            CheckSizes(ref c);
            c.U8();
            c.Skip(4 + 4);
            if (version == 1) c.Skip(4);
            _src.BaseAddress = (long)c.Address();
            c.Address();
            c.Address();
            c.Address();
            c.Address(); // root symbol table entry: link name offset
            rootAddress = c.Address();
        }
        else if (version is 2 or 3)
        {
            _src.OffsetSize = c.U8();
            _src.LengthSize = c.U8();
            CheckSizes(ref c);
            c.U8();
            _src.BaseAddress = (long)c.Address();
            c.Address();
            c.Address();
            rootAddress = c.Address();
        }
        else
        {
            throw c.Error($"superblock version {version} is not supported (versions 0–3 are)");
        }
        if (_src.BaseAddress < 0 || _src.BaseAddress > _src.Length) throw c.Error($"base address {_src.BaseAddress} is outside the file");
        var visited = new HashSet<ulong>();
        ReadGroup("/", rootAddress, 0, visited);
    }

    private void CheckSizes(ref Hdf5Cursor c)
    {
        if (_src.OffsetSize is not (2 or 4 or 8) || _src.LengthSize is not (2 or 4 or 8))
            throw c.Error($"sizes of offsets ({_src.OffsetSize}) and lengths ({_src.LengthSize}) must be 2, 4 or 8 bytes");
    }

    private void ReadGroup(string path, ulong address, int depth, HashSet<ulong> visited)
    {
        if (depth > MaxDepth) throw _src.Error($"group '{path}' is nested more than {MaxDepth} deep: corrupt or a loop");
        if (!visited.Add(address)) return; // a hard link to a group already read
        var header = Hdf5ObjectHeader.Read(_src, address, path);
        _groups.Add(path);
        _groupAttributes[path] = ReadAttributes(header, path);
        foreach (var (name, child) in Links(header, path))
        {
            string childPath = path == "/" ? "/" + name : path + "/" + name;
            var ch = Hdf5ObjectHeader.Read(_src, child, childPath);
            if (ch.First(Hdf5ObjectHeader.Layout) is not null || ch.First(Hdf5ObjectHeader.Dataspace) is not null && ch.First(Hdf5ObjectHeader.Datatype) is not null)
            {
                if (!_datasets.ContainsKey(childPath))
                    _datasets[childPath] = Hdf5Dataset.FromHeader(_src, ch, childPath, ReadAttributes(ch, childPath));
            }
            else if (ch.First(Hdf5ObjectHeader.SymbolTable) is not null || ch.First(Hdf5ObjectHeader.LinkInfo) is not null || ch.First(Hdf5ObjectHeader.Link) is not null)
            {
                ReadGroup(childPath, child, depth + 1, visited);
            }
        }
    }

    /// <summary>A group's hard links (name, object header address); soft and external links are skipped.</summary>
    private List<(string, ulong)> Links(Hdf5ObjectHeader header, string path)
    {
        var links = new List<(string, ulong)>();
        if (header.First(Hdf5ObjectHeader.SymbolTable) is { } st)
        {
            var c = new Hdf5Cursor(st.Body, _src, st.FileOffset, $"symbol table of group '{path}'");
            ulong btree = c.Address();
            ulong heap = c.Address();
            byte[] names = ReadLocalHeap(heap, path);
            var seen = new HashSet<ulong>();
            WalkGroupBTree(btree, names, path, links, 0, seen);
            return links;
        }
        foreach (var m in header.OfType(Hdf5ObjectHeader.Link))
        {
            var c = new Hdf5Cursor(m.Body, _src, m.FileOffset, $"link message in group '{path}'");
            ParseLink(ref c, links);
        }
        if (header.First(Hdf5ObjectHeader.LinkInfo) is { } li)
        {
            var c = new Hdf5Cursor(li.Body, _src, li.FileOffset, $"link info of group '{path}'");
            c.U8();
            byte flags = c.U8();
            if ((flags & 1) != 0) c.Skip(8);
            ulong heapAddress = c.Address();
            ulong nameIndex = c.Address();
            if (!Hdf5Source.IsUndefined(heapAddress))
            {
                // Dense storage (libver='latest', more than 8 links): link messages in a fractal heap, named by a B-tree v2.
                string what = $"dense links of group '{path}'";
                var heap = new Hdf5FractalHeap(_src, heapAddress, what);
                Hdf5BTreeV2.Walk(_src, nameIndex, 5, what, null, (record, at) =>
                {
                    if (record.Length < 4 + heap.IdLength) throw _src.Error($"{what}: a {record.Length}-byte name record cannot hold a {heap.IdLength}-byte heap ID", at);
                    byte[] message = heap.Read(record.Slice(4, heap.IdLength), at + 4);
                    var mc = new Hdf5Cursor(message, _src, at, what);
                    ParseLink(ref mc, links);
                });
            }
        }
        return links;
    }

    /// <summary>A link message: hard links are added as (name, object header address); soft and external ones are skipped.</summary>
    private static void ParseLink(ref Hdf5Cursor c, List<(string, ulong)> links)
    {
        if (c.U8() != 1) throw c.Error("link message version is not 1");
        byte flags = c.U8();
        int linkType = (flags & 0x08) != 0 ? c.U8() : 0;
        if ((flags & 0x04) != 0) c.Skip(8);
        if ((flags & 0x10) != 0) c.U8();
        int nameLength = (int)c.Sized(1 << (flags & 3));
        string name = Encoding.UTF8.GetString(c.Bytes(nameLength));
        if (linkType == 0) links.Add((name, c.Address()));
        if (links.Count > MaxLinks) throw c.Error("too many links: corrupt");
    }

    private byte[] ReadLocalHeap(ulong address, string path)
    {
        string what = $"local heap of group '{path}'";
        byte[] head = _src.ReadBlock(address, 8 + 2 * _src.LengthSize + _src.OffsetSize, what);
        var c = new Hdf5Cursor(head, _src, _src.Check(address, head.Length, what), what);
        c.Signature("HEAP");
        c.Skip(4);
        long size = (long)c.Length();
        c.Length();
        ulong data = c.Address();
        return _src.ReadBlock(data, size, what);
    }

    private void WalkGroupBTree(ulong address, byte[] names, string path, List<(string, ulong)> links, int depth, HashSet<ulong> seen)
    {
        string what = $"B-tree of group '{path}'";
        if (depth > MaxDepth || !seen.Add(address)) throw _src.Error($"{what}: nodes loop or nest too deep: corrupt", _src.Check(address, 0, what));
        byte[] node = _src.ReadUpTo(address, 24 + 2 * _src.OffsetSize, what);
        var c = new Hdf5Cursor(node, _src, _src.Check(address, 0, what), what);
        c.Signature("TREE");
        int type = c.U8();
        int level = c.U8();
        int entries = c.U16();
        if (type != 0) throw c.Error($"node type {type} in a group B-tree (expected 0)");
        long size = 8 + 2L * _src.OffsetSize + entries * (long)(_src.LengthSize + _src.OffsetSize) + _src.LengthSize;
        node = _src.ReadBlock(address, size, what);
        c = new Hdf5Cursor(node, _src, _src.Check(address, size, what), what) { Position = 8 + 2 * _src.OffsetSize };
        for (int i = 0; i < entries; i++)
        {
            c.Length();
            ulong child = c.Address();
            if (level > 0) WalkGroupBTree(child, names, path, links, depth + 1, seen);
            else ReadSymbolNode(child, names, path, links);
        }
    }

    private void ReadSymbolNode(ulong address, byte[] names, string path, List<(string, ulong)> links)
    {
        string what = $"symbol table node of group '{path}'";
        byte[] head = _src.ReadBlock(address, 8, what);
        var c = new Hdf5Cursor(head, _src, _src.Check(address, 8, what), what);
        c.Signature("SNOD");
        c.Skip(2);
        int count = c.U16();
        int entrySize = 2 * _src.OffsetSize + 24;
        byte[] body = _src.ReadBlock(address, 8 + (long)count * entrySize, what);
        c = new Hdf5Cursor(body, _src, _src.Check(address, body.Length, what), what) { Position = 8 };
        for (int i = 0; i < count; i++)
        {
            long nameOffset = (long)c.Address();
            ulong header = c.Address();
            c.Skip(24);
            if (nameOffset < 0 || nameOffset >= names.Length) throw c.Error($"link name offset {nameOffset} is outside the group's heap ({names.Length} bytes)");
            int end = Array.IndexOf(names, (byte)0, (int)nameOffset);
            if (end < 0) end = names.Length;
            links.Add((Encoding.UTF8.GetString(names, (int)nameOffset, end - (int)nameOffset), header));
            if (links.Count > MaxLinks) throw c.Error("too many links: corrupt");
        }
    }

    internal IReadOnlyList<Hdf5Attribute> ReadAttributes(Hdf5ObjectHeader header, string objectPath)
    {
        var list = new List<Hdf5Attribute>();
        foreach (var m in header.OfType(Hdf5ObjectHeader.Attribute))
            list.Add(ReadAttribute(m, objectPath));
        if (header.First(Hdf5ObjectHeader.AttributeInfo) is { } ai)
        {
            var c = new Hdf5Cursor(ai.Body, _src, ai.FileOffset, $"attribute info of '{objectPath}'");
            c.U8();
            byte flags = c.U8();
            if ((flags & 1) != 0) c.Skip(2);
            ulong heapAddress = c.Address();
            ulong nameIndex = c.Address();
            if (!Hdf5Source.IsUndefined(heapAddress))
            {
                // Dense storage (libver='latest', more than 8 attributes or large ones): messages in a fractal heap.
                string what = $"dense attributes of '{objectPath}'";
                var heap = new Hdf5FractalHeap(_src, heapAddress, what);
                Hdf5BTreeV2.Walk(_src, nameIndex, 8, what, null, (record, at) =>
                {
                    if (record.Length < heap.IdLength + 1) throw _src.Error($"{what}: a {record.Length}-byte name record cannot hold a {heap.IdLength}-byte heap ID", at);
                    if ((record[heap.IdLength] & 1) != 0) throw _src.Error($"{what}: shared attribute messages are not supported", at);
                    byte[] message = heap.Read(record[..heap.IdLength], at);
                    list.Add(ReadAttribute(new Hdf5ObjectHeader.Message(Hdf5ObjectHeader.Attribute, message, 0, message.Length, at), objectPath));
                    if (list.Count > MaxLinks) throw _src.Error($"{what}: too many attributes: corrupt", at);
                });
            }
        }
        return list;
    }

    private Hdf5Attribute ReadAttribute(Hdf5ObjectHeader.Message m, string objectPath)
    {
        var c = new Hdf5Cursor(m.Body, _src, m.FileOffset, $"attribute of '{objectPath}'");
        int version = c.U8();
        if (version is < 1 or > 3) throw c.Error($"attribute message version {version} is not supported");
        c.U8();
        int nameSize = c.U16();
        int typeSize = c.U16();
        int spaceSize = c.U16();
        if (version == 3) c.U8();
        bool pad = version == 1;
        var nameBytes = c.Bytes(nameSize);
        int z = nameBytes.IndexOf((byte)0);
        string name = Encoding.UTF8.GetString(z < 0 ? nameBytes : nameBytes[..z]);
        if (pad) c.Align(8);
        int typeStart = c.Position;
        Hdf5DataType type = Hdf5DataType.Parse(ref c);
        c.Position = typeStart + typeSize;
        if (pad) c.Align(8);
        int spaceStart = c.Position;
        long[] shape = Hdf5Dataset.ParseDataspace(ref c, out _);
        c.Position = spaceStart + spaceSize;
        if (pad) c.Align(8);
        long count = 1;
        foreach (long d in shape) count = checked(count * d);
        long bytes = checked(count * type.Size);
        if (bytes > c.Remaining) throw c.Error($"attribute '{name}' declares {count} values of {type.Size} bytes but the message holds {c.Remaining}");
        byte[] data = c.Bytes(bytes).ToArray();
        string[]? strings = null;
        if (type.Class == Hdf5TypeClass.VariableString)
        {
            strings = new string[count];
            var dc = new Hdf5Cursor(data, _src, m.FileOffset, $"attribute '{name}' of '{objectPath}'");
            for (long i = 0; i < count; i++)
            {
                long length = dc.U32();
                ulong collection = dc.Address();
                uint index = dc.U32();
                strings[i] = ReadGlobalHeapString(collection, index, length, name, objectPath);
            }
        }
        else if (type.BigEndian)
        {
            Hdf5Elements.SwapInPlace(data, type.Size);
        }
        return new Hdf5Attribute(name, type, shape, data, strings);
    }

    private string ReadGlobalHeapString(ulong collection, uint index, long length, string attribute, string objectPath)
    {
        if (length == 0) return "";
        string what = $"global heap of attribute '{attribute}' of '{objectPath}'";
        byte[] head = _src.ReadBlock(collection, 16, what);
        var c = new Hdf5Cursor(head, _src, _src.Check(collection, 16, what), what);
        c.Signature("GCOL");
        c.Skip(4);
        long size = (long)c.Length();
        byte[] block = _src.ReadBlock(collection, size, what);
        c = new Hdf5Cursor(block, _src, _src.Check(collection, size, what), what) { Position = 8 + _src.LengthSize };
        while (c.Remaining >= 8 + _src.LengthSize)
        {
            int id = c.U16();
            c.Skip(6);
            long objectSize = (long)c.Length();
            if (id == 0) break;
            var bytes = c.Bytes(objectSize);
            if (id == index) return Encoding.UTF8.GetString(bytes[..(int)Math.Min(length, objectSize)]);
            c.Align(8);
        }
        throw c.Error($"object {index} is not in the collection");
    }

    public void Dispose() => _src.Dispose();
}
