using SQLitePCL;
using Trawl.Store.Ingest;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.FullText;

/// <summary>
/// Moves a side index (an FTS5 table of the same columns, tokenizer and page size in another database, holding
/// other rows than the main one) into a table's FTS5 index, so the result is one ordinary index: the side's
/// segments get unused ids and their leaf and doclist-index pages (<c>%_data</c>) and term index rows (<c>%_idx</c>)
/// are copied under those ids, its <c>%_docsize</c> rows are copied, the averages record (rows and tokens per column)
/// becomes the sum of both, and the structure record lists both sets of segments. Neither index may have an
/// incremental merge in progress (both are built with automerge off). The format is FTS5's, described at the top of
/// SQLite's fts5_index.c.
/// </summary>
internal static class FtsSegmentCopy
{
    /// <summary>Copies <paramref name="sideFts"/> of <paramref name="side"/> into <paramref name="fts"/> of
    /// <paramref name="db"/>, inside <paramref name="db"/>'s open transaction.</summary>
    public static void Append(sqlite3 db, string fts, sqlite3 side, string sideFts, CancellationToken cancel)
    {
        Flush(db);
        string data = Shadow(fts, "data"), sideData = Shadow(sideFts, "data");
        var main = FtsStructure.Read(db, data);
        var other = FtsStructure.Read(side, sideData);
        if (main.Levels.Any(l => l.Merging != 0) || other.Levels.Any(l => l.Merging != 0))
            throw new FtsLayoutException("an incremental merge in progress");

        var ids = NewSegmentIds(main, other);
        CopyPages(db, data, side, sideData, ids, cancel);
        CopyRows(db, $"INSERT INTO {Shadow(fts, "idx")} (segid, term, pgno) VALUES (?1, ?2, ?3)",
            side, $"SELECT segid, term, pgno FROM {Shadow(sideFts, "idx")}", 3, ids, cancel);
        CopyRows(db, $"INSERT INTO {Shadow(fts, "docsize")} (id, sz) VALUES (?1, ?2)",
            side, $"SELECT id, sz FROM {Shadow(sideFts, "docsize")}", 2, null, cancel);
        IngestPausePoint.Reach(IngestPausePoint.FtsMerge);
        IngestFaultPoint.Reach(IngestPausePoint.FtsMerge);
        WriteBlock(db, data, FtsStructure.AveragesRowid, SumAverages(ReadBlock(db, data, FtsStructure.AveragesRowid), ReadBlock(side, sideData, FtsStructure.AveragesRowid)));
        WriteBlock(db, data, FtsStructure.StructureRowid, Combine(main, other, ids).ToBytes());

        // The FTS5 table object of this connection caches the structure and totals it read; rolling back to a savepoint
        // that changed nothing makes it drop them (and nothing else), so this connection reads the copied index too.
        RawSql.Execute(db, "SAVEPOINT trawl_fts_reload; ROLLBACK TO trawl_fts_reload; RELEASE trawl_fts_reload");
    }

    /// <summary>Writes the pending terms of every FTS5 table <paramref name="db"/> has written in this transaction to
    /// their segments (FTS5 flushes on a savepoint), so their structure on disk is whole.</summary>
    public static void Flush(sqlite3 db) => RawSql.Execute(db, "SAVEPOINT trawl_fts_flush; RELEASE trawl_fts_flush");

    private static string Shadow(string fts, string suffix) => SqlNames.Quote(fts + "_" + suffix);

    /// <summary>Side segment id → an id the main index does not use, as FTS5 allocates them (the smallest free).</summary>
    private static Dictionary<int, int> NewSegmentIds(FtsStructure main, FtsStructure other)
    {
        var used = main.Segments.Select(s => s.Id).ToHashSet();
        var ids = new Dictionary<int, int>();
        int next = 1;
        foreach (var s in other.Segments)
        {
            while (used.Contains(next))
                next++;
            if (next > FtsStructure.MaxSegmentId)
                throw new FtsLayoutException("more segments than an FTS5 index can hold");
            ids[s.Id] = next;
            used.Add(next);
        }
        return ids;
    }

    /// <summary>The side's leaf and doclist-index pages, renumbered: a page's rowid carries its segment id in its
    /// top bits and nothing inside a page names its segment.</summary>
    private static void CopyPages(sqlite3 db, string data, sqlite3 side, string sideData, Dictionary<int, int> ids, CancellationToken cancel)
    {
        long firstSegmentRow = 1L << FtsStructure.SegmentShift;
        long pageMask = firstSegmentRow - 1;
        using var read = RawSql.Prepare(side, $"SELECT id, block FROM {sideData} ORDER BY id");
        using var write = RawSql.Prepare(db, $"INSERT INTO {data} (id, block) VALUES (?1, ?2)");
        long n = 0;
        int rc;
        while ((rc = raw.sqlite3_step(read)) == raw.SQLITE_ROW)
        {
            long id = raw.sqlite3_column_int64(read, 0);
            if (id is FtsStructure.AveragesRowid or FtsStructure.StructureRowid)
                continue;
            // Anything else below the first segment's pages, or past the segment ids (tombstone pages), is a record
            // of a layout this copy does not know.
            if (id < firstSegmentRow || !ids.TryGetValue((int)Math.Min(id >> FtsStructure.SegmentShift, int.MaxValue), out int newId))
                throw new FtsLayoutException($"a %_data row {id} of no listed segment");
            raw.sqlite3_bind_int64(write, 1, ((long)newId << FtsStructure.SegmentShift) | (id & pageMask));
            raw.sqlite3_bind_blob(write, 2, raw.sqlite3_column_blob(read, 1));
            Step(db, write);
            if ((++n & 0xFFF) == 0)
                cancel.ThrowIfCancellationRequested();
        }
        if (rc != raw.SQLITE_DONE)
            throw new Microsoft.Data.Sqlite.SqliteException($"SQLite error {rc} reading the side index: {RawSql.ErrorMessage(side)}", rc);
    }

    /// <summary>Copies every row of a query on <paramref name="side"/> into an INSERT on <paramref name="db"/>, column
    /// by column; with <paramref name="ids"/>, the first column is a segment id to renumber.</summary>
    private static void CopyRows(sqlite3 db, string insert, sqlite3 side, string select, int columns, Dictionary<int, int>? ids, CancellationToken cancel)
    {
        using var read = RawSql.Prepare(side, select);
        using var write = RawSql.Prepare(db, insert);
        long n = 0;
        int rc;
        while ((rc = raw.sqlite3_step(read)) == raw.SQLITE_ROW)
        {
            for (int c = 0; c < columns; c++)
            {
                if (c == 0 && ids is not null)
                {
                    long id = raw.sqlite3_column_int64(read, 0);
                    if (!ids.TryGetValue((int)Math.Clamp(id, 0, int.MaxValue), out int newId))
                        throw new FtsLayoutException($"a %_idx row of segment {id}, which is not listed");
                    raw.sqlite3_bind_int64(write, 1, newId);
                    continue;
                }
                switch (raw.sqlite3_column_type(read, c))
                {
                    case raw.SQLITE_INTEGER: raw.sqlite3_bind_int64(write, c + 1, raw.sqlite3_column_int64(read, c)); break;
                    case raw.SQLITE_NULL: raw.sqlite3_bind_null(write, c + 1); break;
                    default: raw.sqlite3_bind_blob(write, c + 1, raw.sqlite3_column_blob(read, c)); break;
                }
            }
            Step(db, write);
            if ((++n & 0xFFF) == 0)
                cancel.ThrowIfCancellationRequested();
        }
        if (rc != raw.SQLITE_DONE)
            throw new Microsoft.Data.Sqlite.SqliteException($"SQLite error {rc} reading the side index: {RawSql.ErrorMessage(side)}", rc);
    }

    /// <summary>Both indexes' segments, level by level; a level that would reach FTS5's crisis-merge count takes the
    /// side's segments one level up instead, so the next write does not start a merge of everything.</summary>
    private static FtsStructure Combine(FtsStructure main, FtsStructure other, Dictionary<int, int> ids)
    {
        var combined = new FtsStructure { Cookie = main.Cookie, WriteCounter = main.WriteCounter + other.WriteCounter };
        foreach (var level in main.Levels)
        {
            var copy = new FtsLevel();
            copy.Segments.AddRange(level.Segments);
            combined.Levels.Add(copy);
        }
        for (int l = 0; l < other.Levels.Count; l++)
        {
            var added = other.Levels[l].Segments.Select(s => s with { Id = ids[s.Id] }).ToList();
            if (added.Count == 0)
                continue;
            int target = l;
            while (target < combined.Levels.Count && combined.Levels[target].Segments.Count + added.Count >= FtsStructure.CrisisMerge)
                target++;
            if (target >= FtsStructure.MaxLevels)
                throw new FtsLayoutException("more levels than an FTS5 index can hold");
            while (combined.Levels.Count <= target)
                combined.Levels.Add(new FtsLevel());
            combined.Levels[target].Segments.AddRange(added);
        }
        return combined;
    }

    /// <summary>The averages record: the number of rows, then each column's token total, as varints (empty when the
    /// index holds no rows yet).</summary>
    private static byte[] SumAverages(byte[] a, byte[] b)
    {
        var x = Varints(a);
        var y = Varints(b);
        if (x.Count != 0 && y.Count != 0 && x.Count != y.Count)
            throw new FtsLayoutException("averages records of different column counts");
        var sum = new List<byte>();
        for (int i = 0; i < Math.Max(x.Count, y.Count); i++)
            FtsVarint.Append(sum, (ulong)((i < x.Count ? x[i] : 0) + (i < y.Count ? y[i] : 0)));
        return sum.ToArray();
    }

    private static List<long> Varints(byte[] block)
    {
        var values = new List<long>();
        int pos = 0;
        while (pos < block.Length)
            values.Add(FtsVarint.Read(block, ref pos, block.Length));
        return values;
    }

    private static byte[] ReadBlock(sqlite3 db, string data, long id)
    {
        using var stmt = RawSql.Prepare(db, $"SELECT block FROM {data} WHERE id = {id}");
        return raw.sqlite3_step(stmt) == raw.SQLITE_ROW ? raw.sqlite3_column_blob(stmt, 0).ToArray() : [];
    }

    private static void WriteBlock(sqlite3 db, string data, long id, byte[] block)
    {
        using var stmt = RawSql.Prepare(db, $"INSERT OR REPLACE INTO {data} (id, block) VALUES (?1, ?2)");
        raw.sqlite3_bind_int64(stmt, 1, id);
        raw.sqlite3_bind_blob(stmt, 2, block);
        Step(db, stmt);
    }

    private static void Step(sqlite3 db, sqlite3_stmt stmt)
    {
        int rc = raw.sqlite3_step(stmt);
        if (rc != raw.SQLITE_DONE)
            throw new Microsoft.Data.Sqlite.SqliteException($"SQLite error {rc} copying the side index: {RawSql.ErrorMessage(db)}", rc);
        raw.sqlite3_reset(stmt);
    }
}
