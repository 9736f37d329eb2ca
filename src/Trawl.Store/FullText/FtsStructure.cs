using SQLitePCL;
using Trawl.Store.Storage;

namespace Trawl.Store.FullText;

/// <summary>
/// FTS5's structure record (row 10 of <c>%_data</c>): the configuration cookie, the write counter and, per level,
/// the segments that make up the index. Only the legacy (version-1) layout is read, the one every table without
/// <c>contentless_delete</c> or secure-delete has; anything else is an <see cref="FtsLayoutException"/>. The format is
/// described at the top of SQLite's fts5_index.c.
/// </summary>
internal sealed class FtsStructure
{
    public const long StructureRowid = 10;
    public const long AveragesRowid = 1;
    // A %_data rowid: segment id (16 bits), doclist-index flag (1), doclist-index height (5), page (31).
    public const int PageBits = 31;
    public const int SegmentShift = PageBits + 5 + 1;
    public const int MaxSegmentId = 0xFFFF;
    // FTS5's limits: levels per index, segments per level before a write forces a merge (its default crisismerge).
    public const int MaxLevels = 64;
    public const int CrisisMerge = 16;

    public uint Cookie { get; set; }
    public long WriteCounter { get; set; }
    public List<FtsLevel> Levels { get; } = [];

    public IEnumerable<FtsSegment> Segments => Levels.SelectMany(l => l.Segments);

    /// <summary>The structure record of <paramref name="data"/> (a quoted, schema-qualified <c>%_data</c> table).</summary>
    public static FtsStructure Read(sqlite3 db, string data)
    {
        using var stmt = RawSql.Prepare(db, $"SELECT block FROM {data} WHERE id = {StructureRowid}");
        if (raw.sqlite3_step(stmt) != raw.SQLITE_ROW)
            throw new FtsLayoutException("no structure record");
        return Parse(raw.sqlite3_column_blob(stmt, 0));
    }

    public static FtsStructure Parse(ReadOnlySpan<byte> block)
    {
        // A version-2 record (contentless_delete, secure-delete: tombstones and origins) starts with FF 00 00 01.
        if (block.Length < 5 || block[4] == 0xFF)
            throw new FtsLayoutException("a structure record of another version");
        var s = new FtsStructure { Cookie = (uint)(block[0] << 24 | block[1] << 16 | block[2] << 8 | block[3]) };
        int pos = 4;
        long levels = FtsVarint.Read(block, ref pos, block.Length);
        long total = FtsVarint.Read(block, ref pos, block.Length);
        s.WriteCounter = FtsVarint.Read(block, ref pos, block.Length);
        if (levels is < 0 or > MaxLevels || total is < 0 or > 4096)
            throw new FtsLayoutException("an implausible structure record");
        for (int l = 0; l < levels; l++)
        {
            var level = new FtsLevel();
            long merging = FtsVarint.Read(block, ref pos, block.Length);
            long count = FtsVarint.Read(block, ref pos, block.Length);
            if (merging < 0 || merging > count || count > total)
                throw new FtsLayoutException("an implausible level");
            level.Merging = (int)merging;
            for (int i = 0; i < count; i++)
            {
                long id = FtsVarint.Read(block, ref pos, block.Length);
                long first = FtsVarint.Read(block, ref pos, block.Length);
                long last = FtsVarint.Read(block, ref pos, block.Length);
                if (id is <= 0 or > MaxSegmentId || first <= 0 || last < first || last >= 1L << PageBits)
                    throw new FtsLayoutException("an implausible segment");
                level.Segments.Add(new FtsSegment((int)id, (int)first, (int)last));
            }
            s.Levels.Add(level);
        }
        if (s.Levels.Sum(l => l.Segments.Count) != total || pos != block.Length)
            throw new FtsLayoutException("a structure record of another layout");
        return s;
    }

    public byte[] ToBytes()
    {
        var b = new List<byte> { (byte)(Cookie >> 24), (byte)(Cookie >> 16), (byte)(Cookie >> 8), (byte)Cookie };
        FtsVarint.Append(b, (ulong)Levels.Count);
        FtsVarint.Append(b, (ulong)Levels.Sum(l => l.Segments.Count));
        FtsVarint.Append(b, (ulong)WriteCounter);
        foreach (var level in Levels)
        {
            FtsVarint.Append(b, (ulong)level.Merging);
            FtsVarint.Append(b, (ulong)level.Segments.Count);
            foreach (var segment in level.Segments)
            {
                FtsVarint.Append(b, (ulong)segment.Id);
                FtsVarint.Append(b, (ulong)segment.FirstPage);
                FtsVarint.Append(b, (ulong)segment.LastPage);
            }
        }
        return b.ToArray();
    }
}
