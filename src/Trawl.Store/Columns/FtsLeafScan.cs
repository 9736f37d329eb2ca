using System.Buffers.Binary;
using SQLitePCL;
using Trawl.Store.FullText;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>
/// Reads every (term, row, occurrences) of an FTS5 index straight from its leaf pages in <c>%_data</c>, in the
/// order an fts5vocab <c>instance</c> scan gives them (terms by bytes, then rows), without a virtual-table row per
/// occurrence. Only the layout Trawl's own tables have is read (detail=full, no prefix indexes, no delete markers,
/// the version-4 structure record); anything else is a
/// <see cref="FtsLayoutException"/> and the caller scans fts5vocab instead. The format is FTS5's persistent one
/// (described at the top of SQLite's fts5_index.c); the oracle tests compare both scans.
/// </summary>
internal static class FtsLeafScan
{
    // Leaf pages are about 4 KB (FTS5's pgsz); a larger one means the layout is not what this reader expects.
    private const int MaxPage = 1 << 20;

    /// <summary>Receives each term's rows in order: <paramref name="term"/> without FTS5's index byte.</summary>
    public delegate void Occurrences(ReadOnlySpan<byte> term, long row, long count);

    /// <summary>Calls <paramref name="emit"/> for each (term, row) of <paramref name="schema"/>.<paramref name="fts"/>,
    /// in term-then-row order; with <paramref name="from"/> and <paramref name="to"/> (terms as FTS5 stores them, with
    /// the index byte), only terms from <paramref name="from"/> on and before <paramref name="to"/>, each segment read
    /// from the leaf page its term index (<c>%_idx</c>) gives for <paramref name="from"/>. Throws
    /// <see cref="FtsLayoutException"/> for a layout it does not read (before or during the scan; the caller starts
    /// over with fts5vocab).</summary>
    public static void Scan(sqlite3 db, string schema, string fts, string createSql, Occurrences emit, CancellationToken cancel,
        byte[]? from = null, byte[]? to = null)
    {
        if (createSql.Contains("detail", StringComparison.OrdinalIgnoreCase) || createSql.Contains("prefix", StringComparison.OrdinalIgnoreCase))
            throw new FtsLayoutException("not a detail=full index without prefix indexes");
        string data = $"{SqlNames.Quote(schema)}.{SqlNames.Quote(fts + "_data")}";
        var segments = ReadStructure(db, data);
        var cursors = new List<SegmentCursor>();
        try
        {
            using var seek = from is null ? null : RawSql.Prepare(db,
                $"SELECT pgno FROM {SqlNames.Quote(schema)}.{SqlNames.Quote(fts + "_idx")} WHERE segid = ?1 AND term <= ?2 ORDER BY term DESC LIMIT 1");
            foreach (var (id, first, last) in segments)
            {
                int start = first;
                if (seek is not null)
                {
                    raw.sqlite3_reset(seek);
                    raw.sqlite3_bind_int(seek, 1, id);
                    raw.sqlite3_bind_blob(seek, 2, from);
                    if (raw.sqlite3_step(seek) == raw.SQLITE_ROW)
                        start = (int)Math.Clamp(raw.sqlite3_column_int64(seek, 0) >> 1, first, last);
                }
                cursors.Add(new SegmentCursor(db, data, id, start, last, midSegment: start > first));
            }
            Merge(cursors, emit, cancel, from, to);
        }
        finally
        {
            foreach (var c in cursors)
                c.Dispose();
        }
    }

    /// <summary>Terms in byte order over all segments; a term found in several segments gets its rows merged, each
    /// segment's being in order (segments of an index without delete markers hold disjoint rows).</summary>
    private static void Merge(List<SegmentCursor> cursors, Occurrences emit, CancellationToken cancel, byte[]? from, byte[]? to)
    {
        var live = new List<SegmentCursor>();
        foreach (var c in cursors)
        {
            if (c.NextTerm())
                live.Add(c);
        }
        var pairs = new List<(long Row, long Count)>();
        var runs = new List<int>();
        var scratch = Array.Empty<(long Row, long Count)>();
        var term = new byte[64];
        long n = 0;
        while (live.Count > 0)
        {
            int min = 0;
            for (int i = 1; i < live.Count; i++)
            {
                if (live[i].Term.SequenceCompareTo(live[min].Term) < 0)
                    min = i;
            }
            var t = live[min].Term;
            if (to is not null && t.SequenceCompareTo(to) >= 0)
                break;
            if (term.Length < t.Length)
                term = new byte[Math.Max(t.Length, term.Length * 2)];
            t.CopyTo(term);
            int length = t.Length;
            if (from is not null && term.AsSpan(0, length).SequenceCompareTo(from) < 0)
            {
                // Before the range (on the first pages read): skipped in every segment that has it.
                Advance(live, term.AsSpan(0, length));
                continue;
            }
            pairs.Clear();
            runs.Clear();
            for (int i = 0; i < live.Count; i++)
            {
                if (live[i].Term.SequenceEqual(term.AsSpan(0, length)))
                {
                    runs.Add(pairs.Count);
                    live[i].ReadDoclist(pairs);
                }
            }
            if (runs.Count > 1)
                MergeRuns(pairs, runs, ref scratch);
            for (int i = 1; i < pairs.Count; i++)
            {
                if (pairs[i].Row <= pairs[i - 1].Row)
                    throw new FtsLayoutException("a row listed twice for one term");
            }
            if (length == 0 || term[0] != (byte)'0')
                throw new FtsLayoutException("a term of another index than the main one");
            var word = term.AsSpan(1, length - 1);
            foreach (var (row, count) in pairs)
                emit(word, row, count);
            Advance(live, term.AsSpan(0, length));
            if ((++n & 0x3FF) == 0)
                cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Moves every cursor on <paramref name="term"/> to its next term, dropping those at their end.</summary>
    private static void Advance(List<SegmentCursor> live, ReadOnlySpan<byte> term)
    {
        for (int i = live.Count - 1; i >= 0; i--)
        {
            if (live[i].Term.SequenceEqual(term) && !live[i].NextTerm())
                live.RemoveAt(i);
        }
    }

    /// <summary>Merges the runs of <paramref name="pairs"/> starting at <paramref name="runs"/> (each in row order) into
    /// one, two at a time; rows out of order within a run stay so, for the caller's check.</summary>
    internal static void MergeRuns(List<(long Row, long Count)> pairs, List<int> runs, ref (long Row, long Count)[] scratch)
    {
        int n = pairs.Count;
        if (scratch.Length < n)
            scratch = new (long, long)[Math.Max(n, scratch.Length * 2)];
        Span<(long Row, long Count)> from = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs), to = scratch.AsSpan(0, n);
        bool inScratch = false;
        runs.Add(n);
        while (runs.Count > 2)
        {
            int kept = 0;
            int r = 0;
            for (; r + 2 < runs.Count; r += 2)
            {
                int a = runs[r], b = runs[r + 1], end = runs[r + 2], o = a;
                while (a < runs[r + 1] && b < end)
                    to[o++] = from[b].Row < from[a].Row ? from[b++] : from[a++];
                from[a..runs[r + 1]].CopyTo(to[o..]);
                o += runs[r + 1] - a;
                from[b..end].CopyTo(to[o..]);
                runs[kept++] = runs[r];
            }
            if (r + 1 < runs.Count)
            {
                from[runs[r]..runs[r + 1]].CopyTo(to[runs[r]..]);
                runs[kept++] = runs[r];
            }
            runs[kept++] = n;
            runs.RemoveRange(kept, runs.Count - kept);
            var swap = from;
            from = to;
            to = swap;
            inScratch = !inScratch;
        }
        if (inScratch)
            from.CopyTo(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs));
    }

    /// <summary>The segments (id, first and last leaf page) of the structure record.</summary>
    private static List<(int Id, int First, int Last)> ReadStructure(sqlite3 db, string data)
    {
        // A level with an incremental merge in progress has its inputs trimmed to start at the first term not yet
        // merged, and the output holds the terms before it: every term is in one place, and rows of one term in
        // several segments are disjoint, so reading every segment whole and merging by term holds.
        return FtsStructure.Read(db, data).Segments.Select(s => (s.Id, s.FirstPage, s.LastPage)).ToList();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static long Varint(ReadOnlySpan<byte> b, ref int pos, int end) => FtsVarint.Read(b, ref pos, end);

    /// <summary>Walks one segment's leaves: terms, and each term's doclist, which may run over several pages.</summary>
    private sealed class SegmentCursor : IDisposable
    {
        private readonly sqlite3_stmt _pages;
        private long _nextId;
        private readonly long _lastId;
        private byte[] _page = new byte[8192];
        private int _size, _leafEnd, _rowidOffset;
        private readonly List<int> _termOffsets = [];
        private int _nextTerm;
        private bool _rowidSeenOnPage;
        private int _pos;
        private byte[] _term = new byte[64];
        private int _termLength;
        private bool _doclistPending;

        /// <param name="midSegment">reading starts at a page inside the segment (one its term index names, so a term
        /// starts on it): what precedes the page's first term, the end of an earlier term's doclist, is skipped</param>
        public SegmentCursor(sqlite3 db, string data, int id, int first, int last, bool midSegment = false)
        {
            long baseId = (long)id << FtsStructure.SegmentShift;
            _nextId = baseId + first;
            _lastId = baseId + last;
            _pages = RawSql.Prepare(db, $"SELECT id, block FROM {data} WHERE id BETWEEN {_nextId} AND {_lastId} ORDER BY id");
            if (!LoadPage())
                throw new FtsLayoutException("a segment without leaves");
            if (midSegment)
            {
                if (_termOffsets.Count == 0)
                    throw new FtsLayoutException("a term index entry for a page without terms");
                _pos = _termOffsets[0];
                _rowidSeenOnPage = true;
            }
        }

        public ReadOnlySpan<byte> Term => _term.AsSpan(0, _termLength);

        /// <summary>Moves to the next term (skipping the rest of the current doclist); false at the segment's end.</summary>
        public bool NextTerm()
        {
            if (_doclistPending)
                ReadDoclist(null);
            if (_nextTerm >= _termOffsets.Count)
            {
                // The doclist ended with its page; the next term starts a later page.
                if (_pos != _leafEnd)
                    throw new FtsLayoutException("bytes after the last doclist of a page");
                if (!LoadPage())
                    return false;
                if (_rowidOffset != 0 || _termOffsets.Count == 0)
                    throw new FtsLayoutException("a doclist continues on a page where none was open");
            }
            int offset = _termOffsets[_nextTerm];
            if (_pos != offset)
                throw new FtsLayoutException("a term where the page index does not point");
            _pos = offset;
            var page = _page.AsSpan(0, _leafEnd);
            int prefix = 0;
            if (_nextTerm > 0)
                prefix = (int)Varint(page, ref _pos, _leafEnd);
            int suffix = (int)Varint(page, ref _pos, _leafEnd);
            if (prefix < 0 || prefix > _termLength || suffix < 0 || _pos + suffix > _leafEnd)
                throw new FtsLayoutException("a term that runs past its page");
            if (_term.Length < prefix + suffix)
                Array.Resize(ref _term, Math.Max(prefix + suffix, _term.Length * 2));
            page.Slice(_pos, suffix).CopyTo(_term.AsSpan(prefix));
            _termLength = prefix + suffix;
            _pos += suffix;
            _nextTerm++;
            _doclistPending = true;
            return true;
        }

        /// <summary>Reads the current term's doclist, adding each row's occurrence count to <paramref name="pairs"/>.</summary>
        public void ReadDoclist(List<(long Row, long Count)>? pairs)
        {
            _doclistPending = false;
            if (_pos == _leafEnd)
            {
                // The term filled its page: FTS5 starts its doclist on the next one, whose header points at the rowid.
                if (!LoadPage() || _rowidOffset != 4)
                    throw new FtsLayoutException("a term whose doclist is not where the next page's header points");
            }
            long row = ReadFirstRowid();
            while (true)
            {
                long sizeField = Varint(_page, ref _pos, _leafEnd);
                if ((sizeField & 1) != 0)
                    throw new FtsLayoutException("a delete marker");
                long count = CountPositions(sizeField >> 1);
                pairs?.Add((row, count));
                // What follows: another row of this doclist, the next term, or the end of the page.
                if (_nextTerm < _termOffsets.Count && _pos == _termOffsets[_nextTerm])
                    return;
                if (_pos == _leafEnd)
                {
                    if (!LoadPage())
                        return;
                    if (_rowidOffset == 0)
                        return; // the next page starts with a term
                    if (_rowidOffset != 4)
                        throw new FtsLayoutException("a page's first rowid where no poslist ended");
                    row = NextWholeRowid(row);
                    continue;
                }
                if (!_rowidSeenOnPage)
                {
                    // A poslist that began on an earlier page ended here: the page's first rowid follows, whole.
                    if (_rowidOffset != _pos)
                        throw new FtsLayoutException("a page's first rowid where the header does not point");
                    row = NextWholeRowid(row);
                    continue;
                }
                long delta = Varint(_page, ref _pos, _leafEnd);
                if (delta <= 0)
                    throw new FtsLayoutException("rowids out of order");
                row += delta;
            }
        }

        private long NextWholeRowid(long previous)
        {
            long row = ReadFirstRowid();
            if (row <= previous)
                throw new FtsLayoutException("rowids out of order");
            return row;
        }

        private long ReadFirstRowid()
        {
            // The first rowid of a doclist, and the first rowid on a page, are stored whole.
            if (!_rowidSeenOnPage && _rowidOffset != 0 && _pos != _rowidOffset)
                throw new FtsLayoutException("a page's first rowid where the header does not point");
            _rowidSeenOnPage = true;
            long row = Varint(_page, ref _pos, _leafEnd);
            if (row < 0)
                throw new FtsLayoutException("a negative rowid");
            return row;
        }

        /// <summary>Occurrences in a poslist of <paramref name="bytes"/> bytes: every varint but the 0x01 column
        /// markers and the column numbers after them. The list may continue on the next pages.</summary>
        private long CountPositions(long bytes)
        {
            long count = 0;
            bool columnNext = false;
            while (bytes > 0)
            {
                if (_pos == _leafEnd)
                {
                    if (!LoadPage())
                        throw new FtsLayoutException("a poslist runs past the segment's last page");
                    _pos = 4;
                }
                int end = (int)Math.Min(_leafEnd, _pos + bytes);
                if (_rowidOffset != 0 && !_rowidSeenOnPage && end > _rowidOffset && _pos < _rowidOffset)
                    end = _rowidOffset;
                int start = _pos;
                var page = _page;
                // A long run of whole varints (it ends with a varint's last byte) with no column marker: its positions
                // are counted at once.
                if (!columnNext && end - _pos >= 32 && page[end - 1] < 0x80 && PoslistBytes.CountEnds(page.AsSpan(_pos, end - _pos)) is var ends and >= 0)
                {
                    count += ends;
                    _pos = end;
                }
                while (_pos < end)
                {
                    byte b = page[_pos];
                    if (b < 0x80)
                    {
                        _pos++;
                        if (columnNext)
                            columnNext = false;
                        else if (b == 1)
                            columnNext = true;
                        else
                            count++;
                        continue;
                    }
                    long v = Varint(page, ref _pos, _leafEnd);
                    if (columnNext)
                        columnNext = false;
                    else if (v == 1)
                        columnNext = true;
                    else
                        count++;
                }
                bytes -= _pos - start;
                if (bytes > 0 && _pos != _leafEnd)
                    throw new FtsLayoutException("a poslist shorter than its size");
            }
            if (bytes < 0)
                throw new FtsLayoutException("a poslist longer than its size");
            return count;
        }

        private bool LoadPage()
        {
            if (_nextId > _lastId)
                return false;
            int rc = raw.sqlite3_step(_pages);
            if (rc != raw.SQLITE_ROW)
                throw new FtsLayoutException(rc == raw.SQLITE_DONE ? "a leaf page is missing" : $"SQLite error {rc} reading leaf pages");
            long id = raw.sqlite3_column_int64(_pages, 0);
            if (id != _nextId)
                throw new FtsLayoutException("a leaf page is missing");
            _nextId++;
            var block = raw.sqlite3_column_blob(_pages, 1);
            if (block.Length < 4 || block.Length > MaxPage)
                throw new FtsLayoutException("a leaf page of an implausible size");
            if (_page.Length < block.Length)
                _page = new byte[Math.Max(block.Length, _page.Length * 2)];
            block.CopyTo(_page);
            _size = block.Length;
            _rowidOffset = BinaryPrimitives.ReadUInt16BigEndian(block);
            _leafEnd = BinaryPrimitives.ReadUInt16BigEndian(block[2..]);
            if (_leafEnd < 4 || _leafEnd > _size || (_rowidOffset != 0 && (_rowidOffset < 4 || _rowidOffset >= _leafEnd)))
                throw new FtsLayoutException("a leaf page header out of range");
            _termOffsets.Clear();
            int pos = _leafEnd, offset = 0;
            while (pos < _size)
            {
                offset += (int)Varint(block, ref pos, _size);
                if (offset < 4 || offset >= _leafEnd)
                    throw new FtsLayoutException("a page index entry out of range");
                _termOffsets.Add(offset);
            }
            _nextTerm = 0;
            _rowidSeenOnPage = false;
            _pos = 4;
            return true;
        }

        public void Dispose() => _pages.Dispose();
    }
}
