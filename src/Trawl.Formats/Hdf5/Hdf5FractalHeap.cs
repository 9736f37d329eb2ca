namespace Trawl.Formats.Hdf5;

/// <summary>
/// A fractal heap ("FRHP"): where densely stored links and attributes keep their messages. Only what those need is
/// read: managed objects (in direct blocks reached through the doubling table of indirect blocks) and tiny objects
/// (inside the heap ID); huge objects and filtered heaps are a clear error.
/// </summary>
internal sealed class Hdf5FractalHeap
{
    private const int MaxDepth = 16;
    private readonly Hdf5Source _src;
    private readonly string _what;
    private readonly string? _dataset;
    private readonly int _offsetBytes, _lengthBytes, _width;
    private readonly long _startBlock, _maxDirectBlock;
    private readonly int _maxDirectRows, _firstRowBits;
    private readonly List<(long Offset, long Size, ulong Address)> _blocks = [];

    public Hdf5FractalHeap(Hdf5Source src, ulong address, string what, string? dataset = null)
    {
        _src = src;
        _what = what;
        _dataset = dataset;
        int headSize = 4 + 1 + 2 + 2 + 1 + 4 + 12 * src.LengthSize + 3 * src.OffsetSize + 2 + 2 + 2 + 2 + 4;
        byte[] head = src.ReadBlock(address, headSize, what, dataset);
        var c = new Hdf5Cursor(head, src, src.Check(address, headSize, what, dataset), what, dataset);
        c.Signature("FRHP");
        if (c.U8() != 0) throw c.Error("fractal heap version is not 0");
        IdLength = c.U16();
        int filters = c.U16();
        c.U8();
        long maxManaged = c.U32();
        c.Length(); // next huge object id
        c.Address(); // huge object B-tree
        c.Length(); // free space
        c.Address(); // free-space manager
        c.Length(); c.Length(); c.Length(); // managed space, allocated, iterator offset
        c.Length(); // managed objects
        c.Length(); c.Length(); c.Length(); c.Length(); // huge and tiny sizes and counts
        _width = c.U16();
        _startBlock = (long)c.Length();
        _maxDirectBlock = (long)c.Length();
        int maxHeapBits = c.U16();
        c.U16(); // starting rows of the root indirect block
        ulong root = c.Address();
        int rootRows = c.U16();
        if (filters != 0) throw c.Error("the heap's blocks are filtered (compressed), which Trawl does not read");
        if (_width is < 1 or > 65536 || _startBlock < 16 || (_startBlock & (_startBlock - 1)) != 0 || _maxDirectBlock < _startBlock
            || (_maxDirectBlock & (_maxDirectBlock - 1)) != 0 || _maxDirectBlock > Hdf5Source.MaxMetadataBlock || maxHeapBits is < 1 or > 64 || IdLength is < 2 or > 64)
            throw c.Error($"table width {_width}, block sizes {_startBlock}..{_maxDirectBlock}, heap bits {maxHeapBits}, id length {IdLength} are not valid: corrupt");
        _offsetBytes = (maxHeapBits + 7) / 8;
        _lengthBytes = (int)(Math.Log2(Math.Min(_maxDirectBlock, Math.Max(1, maxManaged))) / 8) + 1;
        _firstRowBits = (int)Math.Log2(_startBlock) + (int)Math.Log2(_width);
        _maxDirectRows = (int)Math.Log2(_maxDirectBlock) - (int)Math.Log2(_startBlock) + 2;
        if (Hdf5Source.IsUndefined(root)) return;
        if (rootRows == 0) _blocks.Add((0, _startBlock, root));
        else Indirect(root, rootRows, 0, 0);
        _blocks.Sort((a, b) => a.Offset.CompareTo(b.Offset));
    }

    public int IdLength { get; }

    private long RowSize(int row) => row == 0 ? _startBlock : _startBlock << (row - 1);

    private void Indirect(ulong address, int rows, long blockOffset, int depth)
    {
        if (depth > MaxDepth || rows is < 1 or > 64) throw _src.Error($"{_what}: indirect block of {rows} rows at depth {depth}: corrupt", dataset: _dataset);
        int entries = checked(rows * _width);
        long size = 4 + 1 + _src.OffsetSize + _offsetBytes + (long)entries * _src.OffsetSize + 4;
        byte[] block = _src.ReadBlock(address, size, _what, _dataset);
        var c = new Hdf5Cursor(block, _src, _src.Check(address, size, _what, _dataset), _what, _dataset);
        c.Signature("FHIB");
        c.Skip(1 + _src.OffsetSize + _offsetBytes);
        long offset = blockOffset;
        for (int r = 0; r < rows; r++)
        {
            long rowSize = RowSize(r);
            for (int col = 0; col < _width; col++, offset += rowSize)
            {
                ulong child = c.Address();
                if (Hdf5Source.IsUndefined(child) || child == 0) continue;
                if (r < _maxDirectRows) _blocks.Add((offset, rowSize, child));
                else Indirect(child, (int)Math.Log2(rowSize) - _firstRowBits + 1, offset, depth + 1);
                if (_blocks.Count > 1 << 20) throw c.Error("more than a million heap blocks: corrupt");
            }
        }
    }

    /// <summary>The bytes of the object a heap ID names.</summary>
    public byte[] Read(ReadOnlySpan<byte> id, long idFileOffset)
    {
        var c = new Hdf5Cursor(id, _src, idFileOffset, _what, _dataset);
        byte flags = c.U8();
        if (flags >> 6 != 0) throw c.Error($"heap ID version {flags >> 6} is not 0");
        switch ((flags >> 4) & 3)
        {
            case 0:
            {
                long offset = (long)c.Sized(_offsetBytes);
                long length = (long)c.Sized(_lengthBytes);
                int i = _blocks.BinarySearch((offset, long.MaxValue, 0UL), Comparer<(long Offset, long Size, ulong Address)>.Create((a, b) => a.Offset.CompareTo(b.Offset)));
                if (i < 0) i = ~i - 1;
                if (i < 0 || offset - _blocks[i].Offset + length > _blocks[i].Size || length < 0)
                    throw c.Error($"heap object at offset {offset} ({length} bytes) is in no direct block: corrupt");
                var block = _blocks[i];
                return _src.ReadBlock(block.Address + (ulong)(offset - block.Offset), length, _what, _dataset);
            }
            case 2:
            {
                int length = (flags & 0x0F) + 1;
                return c.Bytes(length).ToArray();
            }
            case 1:
                throw c.Error("the object is a 'huge' heap object (over the heap's managed size), which Trawl does not read");
            default:
                throw c.Error($"heap ID type {(flags >> 4) & 3} is unknown");
        }
    }
}
