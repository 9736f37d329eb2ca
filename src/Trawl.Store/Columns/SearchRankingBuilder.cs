using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Store.Sql;
using Trawl.Store.FullText;
using Trawl.Store.Storage;

namespace Trawl.Store.Columns;

/// <summary>
/// Writes a table's full-text ranking files (see <see cref="SearchRanking"/>) from its FTS5 index, so that bm25 can
/// be computed from memory-mapped arrays instead of FTS5's per-row auxiliary calls. Everything is read from FTS5
/// itself (its docsize table and its index pages), so the token counts are FTS5's own. An append tokenizes only
/// the new rows, in a temporary FTS5 table with the same tokenizer, and writes their repeated terms as a segment of
/// their own, so it never rewrites what is there (its extra disk is what it adds); the segments are folded into
/// one by a full rebuild when there would be more than <see cref="MaxSegments"/>.
/// </summary>
internal static partial class SearchRankingBuilder
{
    /// <summary>Segments at most; each costs a binary search per query term.</summary>
    public const int MaxSegments = 8;

    /// <summary>The files, still under temporary names, and the totals for the manifest.</summary>
    public sealed record Result(SearchRankingEntry Entry, IReadOnlyList<(string Temp, string Final)> Files);

    /// <summary>Builds (or, with <paramref name="previous"/>, extends from row <paramref name="start"/>) the ranking
    /// files up to <paramref name="rows"/> rows. Null when the FTS table is not one Trawl made (another tokenizer):
    /// such tables are ranked by SQLite alone.</summary>
    public static Result? Build(SqliteConnection conn, string folder, string table, string ftsTable, SearchRankingEntry? previous,
        long start, long rows, string tag, CancellationToken cancel)
    {
        var db = conn.Handle!;
        string? createSql = ScalarText(db, $"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = {SqlNames.Literal(ftsTable)}");
        if (createSql is null || !TokenizerOption().Match(createSql).Success)
            return null;
        string lengthsFinal = ColumnFiles.SearchFile(folder, table, ColumnFilePart.DocumentLengths);
        // Extend only files that hold exactly the committed rows; anything else (a build interrupted after its
        // renames, damage) is rebuilt from the index.
        int segments = previous?.Segments ?? 0;
        bool append = previous is not null && previous.FtsTable == ftsTable && start > 0 && segments >= 1
            && IsCurrent(ColumnFiles.TermFrequencySegment(folder, table, segments - 1), start);
        if (!append)
            start = 0;
        else if (start == rows)
            return new Result(previous!, []);  // nothing new: the files stand as they are
        // A new segment for the new rows, or (a new table, or too many segments) one file for all rows.
        bool newSegment = append && segments < MaxSegments;
        string freqFinal = ColumnFiles.TermFrequencySegment(folder, table, newSegment ? segments : 0);
        var files = new List<(string, string)>();
        long documents = append ? previous!.Documents : 0, tokens = append ? previous!.Tokens : 0;

        // Lengths: appended in place past the committed rows (readers map only those), or written anew.
        string lengthsPath = append ? lengthsFinal : lengthsFinal + tag;
        using (var lengths = append
            ? new FixedWidthColumnWriter<uint>(lengthsPath, ColumnEncoding.SearchRanking, ColumnFilePart.DocumentLengths, start)
            : new FixedWidthColumnWriter<uint>(lengthsPath, ColumnEncoding.SearchRanking, ColumnFilePart.DocumentLengths))
        {
            long next = start;
            using var stmt = RawSql.Prepare(db, $"SELECT id, sz FROM {SqlNames.Quote(ftsTable + "_docsize")} WHERE id >= {start} AND id < {rows} ORDER BY id");
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                long id = raw.sqlite3_column_int64(stmt, 0);
                while (next < id)
                {
                    lengths.Append(0);
                    next++;
                }
                long size = SumVarints(raw.sqlite3_column_blob(stmt, 1));
                lengths.Append((uint)Math.Min(size, uint.MaxValue));
                documents++;
                tokens += size;
                next++;
                if ((next & 0xFFFF) == 0)
                    cancel.ThrowIfCancellationRequested();
            }
            if (rc != raw.SQLITE_DONE)
                throw new SqliteException($"SQLite error {rc}: {RawSql.ErrorMessage(db)}", rc);
            while (next < rows)
            {
                lengths.Append(0);
                next++;
            }
            lengths.Complete();
        }
        if (!append)
            files.Add((lengthsPath, lengthsFinal));

        // Repeated terms, of the new rows or of the whole index: read from FTS5's leaf pages, or (another layout)
        // from its instance vocabulary, which gives the same stream one virtual-table row per occurrence.
        string freqTemp = freqFinal + tag;
        string vocabSource = newSegment ? DeltaIndex(db, table, ftsTable, createSql, start, rows) : ftsTable;
        string schema = newSegment ? "temp" : "main";
        try
        {
            try
            {
                if (!newSegment && Environment.ProcessorCount >= 2 && MiddleTerm(db, ftsTable) is { } middle)
                    WriteTermFrequenciesInTwo(conn, freqTemp, rows, ftsTable, createSql, middle, cancel);
                else
                    WriteTermFrequencies(freqTemp, rows, merge => FtsLeafScan.Scan(db, schema, vocabSource, createSql, merge.Emit, cancel));
            }
            catch (FtsLayoutException)
            {
                WriteTermFrequencies(freqTemp, rows, merge => ScanInstances(db, vocabSource, schema, merge.Emit, cancel));
            }
        }
        finally
        {
            if (newSegment)
                RawSql.Execute(db, $"DROP TABLE IF EXISTS temp.{SqlNames.Quote(vocabSource)}");
        }
        files.Add((freqTemp, freqFinal));
        return new Result(new SearchRankingEntry(ftsTable, documents, tokens, newSegment ? segments + 1 : 1), files);
    }

    internal static void WriteTermFrequencies(string path, long rows, Action<TermFrequencyMerge> scan)
    {
        File.Delete(path);
        using var writer = new TermFrequencyWriter(path, rows);
        var merge = new TermFrequencyMerge(writer);
        scan(merge);
        merge.Finish();
        writer.Complete();
    }

    /// <summary>Below this many leaf pages (about 4 KB each) one thread reads the index as fast as two.</summary>
    private const int SplitFromPages = 4096;

    /// <summary>The term that starts the middle page of the index's largest segment (as FTS5 stores it, with the index
    /// byte): reading the terms before it and from it on are about equal halves. Null for a small index.</summary>
    private static byte[]? MiddleTerm(sqlite3 db, string ftsTable)
    {
        var structure = FtsStructure.Read(db, SqlNames.Quote(ftsTable + "_data"));
        if (structure.Segments.Sum(s => (long)s.LastPage - s.FirstPage + 1) < SplitFromPages)
            return null;
        var largest = structure.Segments.MaxBy(s => s.LastPage - s.FirstPage);
        string idx = SqlNames.Quote(ftsTable + "_idx");
        using var count = RawSql.Prepare(db, $"SELECT count(*) FROM {idx} WHERE segid = {largest.Id}");
        raw.sqlite3_step(count);
        long entries = raw.sqlite3_column_int64(count, 0);
        using var middle = RawSql.Prepare(db, $"SELECT term FROM {idx} WHERE segid = {largest.Id} ORDER BY term LIMIT 1 OFFSET {entries / 2}");
        if (raw.sqlite3_step(middle) != raw.SQLITE_ROW)
            return null;
        var term = raw.sqlite3_column_blob(middle, 0).ToArray();
        return term.Length > 1 && term[0] == (byte)'0' ? term : null;
    }

    /// <summary>The whole index's term frequencies read in two halves at once: terms before <paramref name="middle"/>
    /// on this connection, the rest on a second read-only connection and thread into a second writer, appended.</summary>
    internal static void WriteTermFrequenciesInTwo(SqliteConnection conn, string path, long rows, string ftsTable, string createSql, byte[] middle, CancellationToken cancel)
    {
        string upperPath = path + ".upper";
        File.Delete(path);
        File.Delete(upperPath);
        try
        {
            using var writer = new TermFrequencyWriter(path, rows);
            using (var upper = new TermFrequencyWriter(upperPath, rows))
            {
                Exception? upperError = null;
                var thread = new Thread(() =>
                {
                    try
                    {
                        using var second = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = conn.DataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                        second.Open();
                        var merge = new TermFrequencyMerge(upper);
                        FtsLeafScan.Scan(second.Handle!, "main", ftsTable, createSql, merge.Emit, cancel, from: middle);
                        merge.Finish();
                    }
                    catch (Exception e)
                    {
                        upperError = e;
                    }
                }) { IsBackground = true, Name = "trawl-ranking-upper" };
                thread.Start();
                try
                {
                    var merge = new TermFrequencyMerge(writer);
                    FtsLeafScan.Scan(conn.Handle!, "main", ftsTable, createSql, merge.Emit, cancel, to: middle);
                    merge.Finish();
                }
                finally
                {
                    thread.Join();
                }
                if (upperError is not null)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(upperError);
                writer.Append(upper);
            }
            writer.Complete();
        }
        finally
        {
            File.Delete(upperPath);
        }
    }

    /// <summary>Whether the segment at <paramref name="path"/> is whole and ends at <paramref name="rows"/>.</summary>
    private static bool IsCurrent(string path, long rows)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var file = TermFrequencyFile.Open(path);
            return file.Rows == rows;
        }
        catch (Trawl.Formats.Tables.DataFormatException)
        {
            return false;
        }
    }

    /// <summary>A temporary FTS5 table holding only rows [start, rows) with the index's own tokenizer.</summary>
    private static string DeltaIndex(sqlite3 db, string table, string ftsTable, string createSql, long start, long rows)
    {
        var columns = new List<string>();
        using (var stmt = RawSql.Prepare(db, $"SELECT name FROM pragma_table_info({SqlNames.Literal(ftsTable)})"))
        {
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
                columns.Add(raw.sqlite3_column_text(stmt, 0).utf8_to_string());
        }
        string name = "trawl_rank_delta";
        string cols = string.Join(", ", columns.Select(SqlNames.Quote));
        string tokenizer = TokenizerOption().Match(createSql).Value;
        RawSql.Execute(db, $"DROP TABLE IF EXISTS temp.{SqlNames.Quote(name)}");
        RawSql.Execute(db, $"CREATE VIRTUAL TABLE temp.{SqlNames.Quote(name)} USING fts5({cols}, {tokenizer})");
        RawSql.Execute(db, $"INSERT INTO temp.{SqlNames.Quote(name)} (rowid, {cols}) SELECT \"rowid\", {cols} FROM main.{SqlNames.Quote(table)} WHERE \"rowid\" >= {start} AND \"rowid\" < {rows}");
        return name;
    }

    /// <summary>Counts each (term, row) run of the instance vocabulary, one row per occurrence.</summary>
    internal static void ScanInstances(sqlite3 db, string fts, string schema, FtsLeafScan.Occurrences emit, CancellationToken cancel)
    {
        string vocab = "trawl_rank_instances";
        RawSql.Execute(db, $"DROP TABLE IF EXISTS temp.{SqlNames.Quote(vocab)}");
        RawSql.Execute(db, $"CREATE VIRTUAL TABLE temp.{SqlNames.Quote(vocab)} USING fts5vocab({schema}, {SqlNames.Quote(fts)}, instance)");
        try
        {
            byte[] term = [];
            bool haveTerm = false;
            long doc = -1, count = 0, n = 0;
            using var stmt = RawSql.Prepare(db, $"SELECT term, doc FROM temp.{SqlNames.Quote(vocab)}");
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
                var t = raw.sqlite3_column_blob(stmt, 0);
                long d = raw.sqlite3_column_int64(stmt, 1);
                if (!haveTerm || !t.SequenceEqual(term))
                {
                    if (haveTerm)
                        emit(term, doc, count);
                    term = t.ToArray();
                    haveTerm = true;
                    doc = d;
                    count = 1;
                }
                else if (d != doc)
                {
                    emit(term, doc, count);
                    doc = d;
                    count = 1;
                }
                else
                {
                    count++;
                }
                if ((++n & 0xFFFF) == 0)
                    cancel.ThrowIfCancellationRequested();
            }
            if (rc != raw.SQLITE_DONE)
                throw new SqliteException($"SQLite error {rc}: {RawSql.ErrorMessage(db)}", rc);
            if (haveTerm)
                emit(term, doc, count);
        }
        finally
        {
            RawSql.Execute(db, $"DROP TABLE IF EXISTS temp.{SqlNames.Quote(vocab)}");
        }
    }

    /// <summary>Sum of an FTS5 docsize record: one SQLite varint per indexed column.</summary>
    internal static long SumVarints(ReadOnlySpan<byte> record)
    {
        long sum = 0;
        int i = 0;
        while (i < record.Length)
        {
            ulong v = 0;
            int n = 0;
            while (true)
            {
                if (i >= record.Length)
                    return sum; // a torn varint: count what was whole
                byte b = record[i++];
                if (n == 8)
                {
                    v = (v << 8) | b;
                    break;
                }
                v = (v << 7) | (uint)(b & 0x7F);
                n++;
                if ((b & 0x80) == 0)
                    break;
            }
            sum += (long)v;
        }
        return sum;
    }

    private static string? ScalarText(sqlite3 db, string sql)
    {
        using var stmt = RawSql.Prepare(db, sql);
        return raw.sqlite3_step(stmt) == raw.SQLITE_ROW && raw.sqlite3_column_type(stmt, 0) == raw.SQLITE_TEXT
            ? raw.sqlite3_column_text(stmt, 0).utf8_to_string()
            : null;
    }

    /// <summary>The only tokenizer whose FTS5 tables get ranking files: the one Trawl creates (Ingest.Sinks.TableSink).</summary>
    [GeneratedRegex(@"tokenize\s*=\s*'unicode61 remove_diacritics 2'")]
    private static partial Regex TokenizerOption();
}
