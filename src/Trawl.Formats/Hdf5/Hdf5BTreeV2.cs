namespace Trawl.Formats.Hdf5;

/// <summary>
/// A version-2 B-tree ("BTHD" header, "BTIN" internal and "BTLF" leaf nodes), walked in key order: the name index of
/// densely stored links (record type 5) and attributes (8), and the chunk index of datasets with more than one
/// unlimited dimension (10 plain, 11 filtered). Each record is handed to the caller as raw bytes.
/// </summary>
internal static class Hdf5BTreeV2
{
    private const int MaxDepth = 32;
    private const int NodePrefix = 10; // signature, version, type, checksum

    public delegate void RecordHandler(ReadOnlySpan<byte> record, long fileOffset);

    /// <summary>Reads the header at <paramref name="address"/>, checks its record type, and hands every record to <paramref name="onRecord"/>.</summary>
    public static void Walk(Hdf5Source src, ulong address, int expectedType, string what, string? dataset, RecordHandler onRecord)
    {
        int headSize = 16 + src.OffsetSize + 2 + src.LengthSize + 4;
        byte[] head = src.ReadBlock(address, headSize, what, dataset);
        var c = new Hdf5Cursor(head, src, src.Check(address, headSize, what, dataset), what, dataset);
        c.Signature("BTHD");
        if (c.U8() != 0) throw c.Error("B-tree version is not 0");
        int type = c.U8();
        if (type != expectedType) throw c.Error($"record type {type}, expected {expectedType}");
        long nodeSize = c.U32();
        int recordSize = c.U16();
        int depth = c.U16();
        c.Skip(2);
        ulong root = c.Address();
        int rootRecords = c.U16();
        long total = (long)c.Length();
        if (nodeSize is < NodePrefix + 1 or > 1 << 24 || recordSize < 1 || recordSize > nodeSize - NodePrefix || depth > MaxDepth)
            throw c.Error($"node size {nodeSize}, record size {recordSize} and depth {depth} are not valid: corrupt");
        if (Hdf5Source.IsUndefined(root) || total == 0) return;

        // Bytes used to store record counts in internal nodes (as the HDF5 library sizes them).
        var maxRecords = new long[depth + 1];
        var cumulative = new long[depth + 1];
        var cumulativeSize = new int[depth + 1];
        maxRecords[0] = (nodeSize - NodePrefix) / recordSize;
        cumulative[0] = maxRecords[0];
        int countSize = EncodedSize(maxRecords[0]);
        for (int d = 1; d <= depth; d++)
        {
            long pointer = src.OffsetSize + countSize + cumulativeSize[d - 1];
            maxRecords[d] = (nodeSize - (NodePrefix + pointer)) / (recordSize + pointer);
            if (maxRecords[d] < 1) throw c.Error($"nodes of {nodeSize} bytes cannot hold a record at depth {d}: corrupt");
            cumulative[d] = checked((maxRecords[d] + 1) * cumulative[d - 1] + maxRecords[d]);
            cumulativeSize[d] = EncodedSize(cumulative[d]);
        }
        long seen = 0;
        Node(src, root, depth, rootRecords, (int)nodeSize, recordSize, type, countSize, cumulativeSize, what, dataset, onRecord, ref seen, total);
    }

    private static int EncodedSize(long max) => (int)(Math.Log2(Math.Max(1, max)) / 8) + 1;

    private static void Node(Hdf5Source src, ulong address, int depth, int records, int nodeSize, int recordSize, int type, int countSize, int[] cumulativeSize,
        string what, string? dataset, RecordHandler onRecord, ref long seen, long total)
    {
        byte[] node = src.ReadBlock(address, nodeSize, what, dataset);
        long at = src.Check(address, nodeSize, what, dataset);
        var c = new Hdf5Cursor(node, src, at, what, dataset);
        c.Signature(depth > 0 ? "BTIN" : "BTLF");
        if (c.U8() != 0) throw c.Error("node version is not 0");
        if (c.U8() != type) throw c.Error("node record type differs from the header's");
        if (records < 0 || (long)records * recordSize > nodeSize - NodePrefix) throw c.Error($"{records} records do not fit a {nodeSize}-byte node: corrupt");
        int recordsStart = c.Position;
        if (depth == 0)
        {
            for (int i = 0; i < records; i++)
            {
                if (++seen > total) throw c.Error($"more records than the {total} the header declares: corrupt");
                onRecord(node.AsSpan(recordsStart + i * recordSize, recordSize), at + recordsStart + i * recordSize);
            }
            return;
        }
        c.Position = recordsStart + records * recordSize;
        var children = new (ulong Address, int Records)[records + 1];
        for (int i = 0; i <= records; i++)
        {
            ulong child = c.Address();
            long n = (long)c.Sized(countSize);
            if (depth > 1) c.Sized(cumulativeSize[depth - 1]);
            if (n > nodeSize) throw c.Error($"child node declares {n} records: corrupt");
            children[i] = (child, (int)n);
        }
        for (int i = 0; i <= records; i++)
        {
            Node(src, children[i].Address, depth - 1, children[i].Records, nodeSize, recordSize, type, countSize, cumulativeSize, what, dataset, onRecord, ref seen, total);
            if (i < records)
            {
                if (++seen > total) throw c.Error($"more records than the {total} the header declares: corrupt");
                onRecord(node.AsSpan(recordsStart + i * recordSize, recordSize), at + recordsStart + i * recordSize);
            }
        }
    }
}
