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

    /// <summary>The grid of chunks at the maximum extents (HDF5 numbers fixed- and extensible-array entries over it);
    /// the first dimension's current grid stands for an unlimited one.</summary>
    private long[] MaxGrid(long[]? maxShape, bool unlimitedFirst)
    {
        var maxGrid = new long[grid.Length];
        for (int i = 0; i < grid.Length; i++)
        {
            long max = maxShape is null || i >= maxShape.Length ? grid[i] * chunkShape[i] : maxShape[i];
            if (max < 0 && !(unlimitedFirst && i == 0))
                throw src.Error("its chunk index has an unlimited dimension other than the first, which Trawl does not read", dataset: dataset);
            maxGrid[i] = unlimitedFirst && i == 0 ? grid[0] : Math.Max(grid[i], (max + chunkShape[i] - 1) / chunkShape[i]);
        }
        return maxGrid;
    }

    /// <summary>An entry number over the maximum grid as the linear chunk number over the current grid; false when
    /// the chunk lies beyond the current extent.</summary>
    private bool ToLinear(long index, long[] maxGrid, out long linear)
    {
        long rest = index, place = 1;
        linear = 0;
        for (int i = grid.Length - 1; i >= 0; i--)
        {
            long scaled = rest % maxGrid[i];
            rest /= maxGrid[i];
            if (scaled >= grid[i]) return false;
            linear += scaled * place;
            place *= grid[i];
        }
        return true;
    }

    public void ReadFixedArray(ulong headerAddress, long chunks, long[]? maxShape, Dictionary<long, Hdf5ChunkRef> table)
    {
        long[] maxGrid = MaxGrid(maxShape, unlimitedFirst: false);
        long maxChunks = maxGrid.Aggregate(1L, (a, b) => checked(a * b));
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
        if (max != chunks && max != maxChunks) throw c.Error($"holds {max} entries, the dataset has {chunks} chunks ({maxChunks} at its maximum shape)");
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
            if (Hdf5Source.IsUndefined(address) || address == 0) continue;
            // Entries are numbered over the grid at the maximum shape (the same grid unless maxshape exceeds the shape).
            if (max == maxChunks ? ToLinear(i, maxGrid, out long linear) : (linear = i) >= 0)
                table[linear] = new Hdf5ChunkRef(address, stored, mask);
        }
        _ = filtered;
    }

    /// <summary>A version-2 B-tree chunk index (datasets with more than one unlimited dimension): records hold the
    /// chunk's address, for filtered data its stored size and filter mask, then its scaled offsets.</summary>
    public void ReadBTreeV2(ulong header, Dictionary<long, Hdf5ChunkRef> table)
    {
        int rank = grid.Length;
        long full = chunkShape.Aggregate(1L, (a, b) => a * b) * elementSize;
        string what = "version-2 B-tree chunk index";
        Hdf5BTreeV2.Walk(src, header, filtered ? 11 : 10, what, dataset, (record, at) =>
        {
            var c = new Hdf5Cursor(record, src, at, what, dataset);
            int sizeBytes = record.Length - src.OffsetSize - rank * 8 - (filtered ? 4 : 0);
            if (sizeBytes < 0 || (filtered && sizeBytes is < 1 or > 8) || (!filtered && sizeBytes != 0))
                throw c.Error($"a {record.Length}-byte record does not fit a {rank}-d chunk index: corrupt");
            ulong address = c.Address();
            long stored = filtered ? (long)c.Sized(sizeBytes) : full;
            uint mask = filtered ? c.U32() : 0;
            long linear = 0;
            for (int i = 0; i < rank; i++)
            {
                long scaled = (long)c.U64();
                if (scaled < 0 || scaled >= grid[i]) return; // beyond the current extent (a shrunk dataset)
                linear = linear * grid[i] + scaled;
            }
            if (!Hdf5Source.IsUndefined(address)) table[linear] = new Hdf5ChunkRef(address, stored, mask);
        });
    }

    /// <summary>An extensible-array chunk index (one unlimited dimension, the first; libver='latest'): element i is the
    /// chunk whose linear number over the grid of maximum extents is i.</summary>
    public void ReadExtensibleArray(ulong headerAddress, long[]? maxShape, Dictionary<long, Hdf5ChunkRef> table)
    {
        string what = "extensible-array chunk index";
        long[] maxGrid = MaxGrid(maxShape, unlimitedFirst: true);
        int headSize = 4 + 1 + 1 + 1 + 5 + 6 * src.LengthSize + src.OffsetSize + 4;
        byte[] head = src.ReadBlock(headerAddress, headSize, what, dataset);
        var c = new Hdf5Cursor(head, src, src.Check(headerAddress, headSize, what, dataset), what, dataset);
        c.Signature("EAHD");
        c.U8();
        int client = c.U8();
        int entrySize = c.U8();
        int maxBits = c.U8();
        int indexElements = c.U8();
        int minDataElements = c.U8();
        int minPointers = c.U8();
        int pageBits = c.U8();
        for (int i = 0; i < 5; i++) c.Length();
        long realized = (long)c.Length();
        ulong indexBlock = c.Address();
        if (maxBits is < 1 or > 64 || minDataElements < 1 || (minDataElements & (minDataElements - 1)) != 0 || minPointers < 1
            || (minPointers & (minPointers - 1)) != 0 || pageBits > 32 || entrySize < src.OffsetSize || (client == 1 && entrySize < src.OffsetSize + 5))
            throw c.Error($"parameters (max bits {maxBits}, index elements {indexElements}, block minimum {minDataElements}, pointers {minPointers}, page bits {pageBits}, entry {entrySize}) are not valid: corrupt");
        if (Hdf5Source.IsUndefined(indexBlock)) return;
        int offsetBytes = (maxBits + 7) / 8;
        long pageElements = 1L << pageBits;

        // Super blocks: how many data blocks each has and how many elements per data block.
        int superBlocks = 1 + maxBits - (int)Math.Log2(minDataElements);
        var sbBlocks = new long[superBlocks];
        var sbElements = new long[superBlocks];
        var sbStart = new long[superBlocks];
        var sbFirstBlock = new long[superBlocks];
        long startIndex = 0, startBlock = 0;
        for (int u = 0; u < superBlocks; u++)
        {
            sbBlocks[u] = 1L << (u / 2);
            sbElements[u] = (1L << ((u + 1) / 2)) * minDataElements;
            sbStart[u] = startIndex;
            sbFirstBlock[u] = startBlock;
            startIndex += sbBlocks[u] * sbElements[u];
            startBlock += sbBlocks[u];
            if (startIndex < 0) break;
        }
        int indexSuperBlocks = 2 * (int)Math.Log2(minPointers);
        int directBlockAddresses = 2 * (minPointers - 1);
        int superBlockAddresses = Math.Max(0, superBlocks - indexSuperBlocks);
        long ibSize = 4 + 1 + 1 + src.OffsetSize + (long)indexElements * entrySize + (long)(directBlockAddresses + superBlockAddresses) * src.OffsetSize + 4;
        byte[] ib = src.ReadBlock(indexBlock, ibSize, what, dataset);
        long ibAt = src.Check(indexBlock, ibSize, what, dataset);
        c = new Hdf5Cursor(ib, src, ibAt, what, dataset);
        c.Signature("EAIB");
        c.Skip(2 + src.OffsetSize);
        long wanted = Math.Min(realized, maxGrid.Aggregate(1L, (a, b) => checked(a * b)));
        void Add(long index, ref Hdf5Cursor e)
        {
            ulong address = e.Address();
            long stored = chunkShape.Aggregate(1L, (a, b) => a * b) * elementSize;
            uint mask = 0;
            if (client == 1)
            {
                stored = (long)e.Sized(entrySize - src.OffsetSize - 4);
                mask = e.U32();
            }
            else e.Skip(entrySize - src.OffsetSize);
            if (Hdf5Source.IsUndefined(address) || address == 0 || index >= wanted) return;
            if (!ToLinear(index, maxGrid, out long linear)) return;
            table[linear] = new Hdf5ChunkRef(address, stored, mask);
        }
        for (long i = 0; i < indexElements; i++) Add(i, ref c);
        var blocks = new ulong[directBlockAddresses];
        for (int i = 0; i < directBlockAddresses; i++) blocks[i] = c.Address();
        var supers = new ulong[superBlockAddresses];
        for (int i = 0; i < superBlockAddresses; i++) supers[i] = c.Address();

        void DataBlock(ulong address, long first, long elements, byte[]? pageInit, long firstPageBit)
        {
            if (Hdf5Source.IsUndefined(address) || first >= wanted) return;
            int prefix = 4 + 1 + 1 + src.OffsetSize + offsetBytes;
            bool paged = elements > pageElements;
            if (!paged)
            {
                long size = prefix + elements * entrySize + 4;
                byte[] db = src.ReadBlock(address, size, what, dataset);
                var d = new Hdf5Cursor(db, src, src.Check(address, size, what, dataset), what, dataset);
                d.Signature("EADB");
                d.Skip(prefix - 4);
                for (long k = 0; k < elements; k++) Add(indexElements + first + k, ref d);
                return;
            }
            long pages = elements / pageElements;
            long pageSize = pageElements * entrySize + 4;
            for (long p = 0; p < pages; p++)
            {
                // One bitmap for the super block's data blocks: bit (block × pages + page), most significant first.
                long bit = firstPageBit + p;
                if (pageInit is not null && (bit / 8 >= pageInit.Length || (pageInit[bit / 8] & (0x80 >> (int)(bit % 8))) == 0)) continue;
                ulong pageAddress = address + (ulong)(prefix + 4 + p * pageSize);
                byte[] page = src.ReadBlock(pageAddress, pageSize, what, dataset);
                var d = new Hdf5Cursor(page, src, src.Check(pageAddress, pageSize, what, dataset), what, dataset);
                for (long k = 0; k < pageElements; k++) Add(indexElements + first + p * pageElements + k, ref d);
            }
        }

        for (int u = 0; u < Math.Min(indexSuperBlocks, superBlocks); u++)
            for (long b = 0; b < sbBlocks[u]; b++)
            {
                long k = sbFirstBlock[u] + b;
                if (k < blocks.Length) DataBlock(blocks[k], sbStart[u] + b * sbElements[u], sbElements[u], null, 0);
            }
        for (int s = 0; s < supers.Length; s++)
        {
            int u = indexSuperBlocks + s;
            if (Hdf5Source.IsUndefined(supers[s]) || sbStart[u] >= wanted) continue;
            long blocksHere = sbBlocks[u];
            bool paged = sbElements[u] > pageElements;
            int initBytes = paged ? (int)((sbElements[u] / pageElements + 7) / 8) : 0;
            long size = 4 + 1 + 1 + src.OffsetSize + offsetBytes + blocksHere * initBytes + blocksHere * src.OffsetSize + 4;
            byte[] sb = src.ReadBlock(supers[s], size, what, dataset);
            var d = new Hdf5Cursor(sb, src, src.Check(supers[s], size, what, dataset), what, dataset);
            d.Signature("EASB");
            d.Skip(2 + src.OffsetSize + offsetBytes);
            byte[]? init = paged ? d.Bytes(blocksHere * initBytes).ToArray() : null;
            var addresses = new ulong[blocksHere];
            for (long b = 0; b < blocksHere; b++) addresses[b] = d.Address();
            for (long b = 0; b < blocksHere; b++)
                DataBlock(addresses[b], sbStart[u] + b * sbElements[u], sbElements[u], init, b * (sbElements[u] / pageElements));
        }
    }
}
