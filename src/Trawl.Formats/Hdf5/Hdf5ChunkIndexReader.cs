namespace Trawl.Formats.Hdf5;

/// <summary>Reads chunk indexes into a table from linear chunk number (row-major over the chunk grid) to where the chunk is.</summary>
internal sealed class Hdf5ChunkIndexReader(Hdf5Source src, string dataset, long[] grid, long[] chunkShape, int elementSize, bool filtered)
{
    private const int MaxDepth = 64;

    private long Linear(long[] offsets, ref Hdf5Cursor c)
    {
        long linear = 0;
        for (int i = 0; i < grid.Length; i++)
        {
            if (offsets[i] % chunkShape[i] != 0) throw c.Error($"chunk offset {offsets[i]} in dimension {i} is not a multiple of the chunk size {chunkShape[i]}");
            long scaled = offsets[i] / chunkShape[i];
            if (scaled < 0 || scaled >= grid[i]) throw c.Error($"chunk offset {offsets[i]} in dimension {i} is outside the dataset");
            linear = linear * grid[i] + scaled;
        }
        return linear;
    }

    public void ReadBTreeV1(ulong root, Dictionary<long, Hdf5ChunkRef> table)
    {
        var seen = new HashSet<ulong>();
        Walk(root, 0, table, seen);
    }

    private void Walk(ulong address, int depth, Dictionary<long, Hdf5ChunkRef> table, HashSet<ulong> seen)
    {
        string what = "chunk B-tree node";
        if (depth > MaxDepth || !seen.Add(address)) throw src.Error($"{what}s loop or nest too deep: corrupt", null, dataset);
        int rank = grid.Length;
        int keySize = 8 + 8 * (rank + 1);
        byte[] head = src.ReadBlock(address, 8 + 2 * src.OffsetSize, what, dataset);
        var c = new Hdf5Cursor(head, src, src.Check(address, head.Length, what, dataset), what, dataset);
        c.Signature("TREE");
        int type = c.U8();
        int level = c.U8();
        int entries = c.U16();
        if (type != 1) throw c.Error($"node type {type} in a chunk B-tree (expected 1)");
        long size = head.Length + entries * (long)(keySize + src.OffsetSize) + keySize;
        byte[] node = src.ReadBlock(address, size, what, dataset);
        c = new Hdf5Cursor(node, src, src.Check(address, size, what, dataset), what, dataset) { Position = head.Length };
        var offsets = new long[rank + 1];
        for (int i = 0; i < entries; i++)
        {
            long chunkSize = c.U32();
            uint mask = c.U32();
            for (int d = 0; d <= rank; d++) offsets[d] = (long)c.U64();
            ulong child = c.Address();
            if (level > 0)
            {
                Walk(child, depth + 1, table, seen);
                continue;
            }
            long linear = Linear(offsets, ref c);
            table[linear] = new Hdf5ChunkRef(child, chunkSize, mask);
        }
    }

    public void ReadFixedArray(ulong headerAddress, long chunks, Dictionary<long, Hdf5ChunkRef> table)
    {
        string what = "fixed-array chunk index";
        byte[] head = src.ReadBlock(headerAddress, 12 + src.LengthSize + src.OffsetSize, what, dataset);
        var c = new Hdf5Cursor(head, src, src.Check(headerAddress, head.Length, what, dataset), what, dataset);
        c.Signature("FAHD");
        c.U8();
        int client = c.U8();
        int entrySize = c.U8();
        int pageBits = c.U8();
        long max = (long)c.Length();
        ulong block = c.Address();
        if (max != chunks) throw c.Error($"holds {max} entries, the dataset has {chunks} chunks");
        int expectedEntry = client == 0 ? src.OffsetSize : entrySize;
        if (entrySize != expectedEntry || entrySize < src.OffsetSize || (client == 1 && entrySize < src.OffsetSize + 5) || pageBits > 32)
            throw c.Error($"entry size {entrySize} / client {client} / page bits {pageBits} are not valid");
        if (Hdf5Source.IsUndefined(block)) return;
        long pageSize = 1L << pageBits;
        bool paged = max > pageSize;
        long pages = paged ? (max + pageSize - 1) / pageSize : 0;
        int prefix = 6 + src.OffsetSize + (int)((pages + 7) / 8);
        long blockSize = checked(prefix + 4 + (paged ? max * entrySize + pages * 4 : max * entrySize));
        byte[] data = src.ReadBlock(block, blockSize, what, dataset);
        c = new Hdf5Cursor(data, src, src.Check(block, blockSize, what, dataset), what, dataset);
        c.Signature("FADB");
        c.Skip(2 + src.OffsetSize);
        var bitmap = c.Bytes((pages + 7) / 8).ToArray();
        if (paged) c.Skip(4);
        for (long i = 0; i < max; i++)
        {
            if (paged && i > 0 && i % pageSize == 0) c.Skip(4);
            if (paged && (bitmap[i / pageSize / 8] & (0x80 >> (int)(i / pageSize % 8))) == 0)
            {
                c.Skip(entrySize);
                continue;
            }
            ulong address = c.Address();
            long stored = (long)chunkShape.Aggregate(1L, (a, b) => a * b) * elementSize;
            uint mask = 0;
            if (client == 1)
            {
                stored = (long)c.Sized(entrySize - src.OffsetSize - 4);
                mask = c.U32();
            }
            if (!Hdf5Source.IsUndefined(address) && address != 0) table[i] = new Hdf5ChunkRef(address, stored, mask);
        }
        _ = filtered;
    }
}
