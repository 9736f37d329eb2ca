using System.Text;
using Microsoft.Data.Sqlite;
using Trawl.Store.Columns;
using Trawl.Store.FullText;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Columns;

/// <summary>
/// The ranking files' term counts read straight from FTS5's leaf pages equal, pair for pair, what FTS5's own
/// fts5vocab instance scan gives (the oracle): several segments holding the same terms, an incremental merge left half done, tiny pages so doclists and
/// poslists run over many pages, two columns with NULLs, non-ASCII terms, sparse rowids. Layouts the reader does not
/// know are refused with <see cref="FtsLayoutException"/> (the builder then scans fts5vocab).
/// </summary>
public sealed class FtsLeafScanTests
{
    private const string Tokenizer = "tokenize='unicode61 remove_diacritics 2'";
    private static readonly string[] Words = ["cat", "dog", "café", "naïve", "東京", "the", "a", "zebra", "x1", "Ünïcödé", "sofa", "night"];

    private static SqliteConnection Open(TempDir temp)
    {
        var conn = new SqliteConnection($"Data Source={temp.File("x.db")};Pooling=False");
        conn.Open();
        return conn;
    }

    /// <summary>Creates the index <c>f(a, b)</c> (with FTS5's page size when given) and returns its CREATE statement.</summary>
    private static string CreateIndex(SqliteConnection conn, int? pageSize = null)
    {
        string create = $"CREATE VIRTUAL TABLE f USING fts5(a, b, {Tokenizer})";
        Exec(conn, create);
        if (pageSize is int size)
            Exec(conn, $"INSERT INTO f (f, rank) VALUES ('pgsz', {size})");
        return create;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Rows of 0 to 60 words (and a few of thousands of copies of one word), both columns, some NULL.</summary>
    private static void Fill(SqliteConnection conn, string table, int rows, int seed, long rowidStep, int transactions)
    {
        var rng = new Random(seed);
        int perTransaction = (rows + transactions - 1) / transactions;
        for (int done = 0; done < rows;)
        {
            using var tx = conn.BeginTransaction();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"INSERT INTO {table} (rowid, a, b) VALUES ($id, $a, $b)";
            var id = cmd.Parameters.Add("$id", SqliteType.Integer);
            var a = cmd.Parameters.Add("$a", SqliteType.Text);
            var b = cmd.Parameters.Add("$b", SqliteType.Text);
            for (int i = 0; i < perTransaction && done < rows; i++, done++)
            {
                id.Value = 1 + done * rowidStep;
                a.Value = rng.Next(50) == 0
                    ? string.Join(' ', Enumerable.Repeat(Words[rng.Next(Words.Length)], 500 + rng.Next(3000)))
                    : string.Join(' ', Enumerable.Range(0, rng.Next(60)).Select(_ => Words[rng.Next(rng.Next(3) == 0 ? 3 : Words.Length)]));
                b.Value = rng.Next(4) == 0 ? DBNull.Value : Words[rng.Next(Words.Length)] + " " + Words[rng.Next(Words.Length)];
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    private static List<(string Term, long Row, long Count)> Leaves(SqliteConnection conn, string fts, string createSql)
    {
        var list = new List<(string, long, long)>();
        FtsLeafScan.Scan(conn.Handle!, "main", fts, createSql, (t, r, c) => list.Add((Convert.ToHexString(t), r, c)), CancellationToken.None);
        return list;
    }

    private static List<(string Term, long Row, long Count)> Vocabulary(SqliteConnection conn, string fts)
    {
        var list = new List<(string, long, long)>();
        SearchRankingBuilder.ScanInstances(conn.Handle!, fts, "main", (t, r, c) => list.Add((Convert.ToHexString(t), r, c)), CancellationToken.None);
        return list;
    }

    private static long Segments(SqliteConnection conn, string fts)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT block FROM {fts}_data WHERE id = 10";
        var block = (byte[])cmd.ExecuteScalar()!;
        return block[5]; // the total segment count, a one-byte varint in these tests
    }

    [Theory]
    [InlineData(4050, 1)]
    [InlineData(64, 1)]
    [InlineData(4050, 7)]
    [InlineData(64, 7)]
    [InlineData(37, 3)]
    public void Leaf_pages_give_the_same_counts_as_the_instance_vocabulary(int pageSize, long rowidStep)
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn, pageSize);
        // No automatic merges and a small term buffer: several segments, each with most terms.
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('automerge', 0)");
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('hashsize', 20000)");
        Fill(conn, "f", 1500, pageSize + (int)rowidStep, rowidStep * 100_003, transactions: 5);
        Assert.True(Segments(conn, "f") > 1);

        var expected = Vocabulary(conn, "f");
        var actual = Leaves(conn, "f", create);
        Assert.Contains(expected, p => p.Count > 500); // poslists longer than a page
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
    }

    /// <summary>The structure record's levels: (segments being merged, segments) each.</summary>
    private static List<(long Merging, long Segments)> Levels(SqliteConnection conn, string fts)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT block FROM {fts}_data WHERE id = 10";
        var block = (byte[])cmd.ExecuteScalar()!;
        int pos = 4;
        long Next()
        {
            long v = 0;
            for (int n = 0; n < 9; n++)
            {
                byte b = block[pos++];
                if (n == 8)
                    return (v << 8) | b;
                v = (v << 7) | (uint)(b & 0x7F);
                if ((b & 0x80) == 0)
                    break;
            }
            return v;
        }
        long levels = Next();
        Next();
        Next();
        var list = new List<(long, long)>();
        for (int l = 0; l < levels; l++)
        {
            long merging = Next(), segments = Next();
            for (int s = 0; s < 3 * segments; s++)
                Next();
            list.Add((merging, segments));
        }
        return list;
    }

    /// <summary>A term that fills its page has its doclist start on the next page (whose header points at the first
    /// rowid); found with a 200-byte page and rows indexed in runs with gaps between their rowids.</summary>
    [Theory]
    [InlineData(200)]
    [InlineData(120)]
    [InlineData(333)]
    public void A_doclist_that_starts_on_the_page_after_its_term_reads_the_same(int pageSize)
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = $"CREATE VIRTUAL TABLE f USING fts5(a, b, content='', {Tokenizer})";
        Exec(conn, create);
        Exec(conn, $"INSERT INTO f (f, rank) VALUES ('pgsz', {pageSize})");
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('hashsize', 8000)");
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('automerge', 0)");
        string[] words = [.. Words, "catalog", "dogma"];
        var rng = new Random(pageSize + 8000);
        using (var tx = conn.BeginTransaction())
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO f (rowid, a, b) VALUES ($id, $a, $b)";
            var id = cmd.Parameters.Add("$id", SqliteType.Integer);
            var a = cmd.Parameters.Add("$a", SqliteType.Text);
            var b = cmd.Parameters.Add("$b", SqliteType.Text);
            long rowid = 5;
            for (int i = 0; i < 3000; i++)
            {
                rowid += 1 + rng.Next(3);
                string text = rng.Next(40) == 0
                    ? string.Join(' ', Enumerable.Repeat(words[rng.Next(words.Length)], 200 + rng.Next(2000)))
                    : string.Join(' ', Enumerable.Range(0, rng.Next(50)).Select(_ => words[rng.Next(rng.Next(3) == 0 ? 3 : words.Length)]));
                object title = rng.Next(4) == 0 ? DBNull.Value : words[rng.Next(words.Length)] + " " + words[rng.Next(words.Length)];
                if ((i / 5) % 2 == 0)
                    continue;
                id.Value = rowid;
                a.Value = text;
                b.Value = title;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        Assert.Equal(Vocabulary(conn, "f"), Leaves(conn, "f", create));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(30)]
    public void Rows_of_one_term_from_several_segments_are_merged_in_order(int segments)
    {
        var rng = new Random(segments);
        var pairs = new List<(long Row, long Count)>();
        var runs = new List<int>();
        var all = Enumerable.Range(0, 5000).Select(i => (long)i * 3 + rng.Next(3)).ToArray();
        var owner = all.Select(_ => rng.Next(segments)).ToArray();
        for (int s = 0; s < segments; s++)
        {
            runs.Add(pairs.Count);
            for (int i = 0; i < all.Length; i++)
            {
                if (owner[i] == s)
                    pairs.Add((all[i], i % 7 + 1));
            }
        }
        var scratch = Array.Empty<(long Row, long Count)>();
        FtsLeafScan.MergeRuns(pairs, runs, ref scratch);
        Assert.Equal(all.Select((row, i) => (row, (long)(i % 7 + 1))), pairs);
    }

    /// <summary>A scan split at a term (the terms before it, then the terms from it on, each segment entered at the leaf
    /// page its term index gives) gives the whole scan's stream, whatever the split term: one at a page start, one
    /// inside a page, one no segment holds, one before all terms and one after.</summary>
    [Theory]
    [InlineData(4050)]
    [InlineData(64)]
    [InlineData(200)]
    public void A_scan_split_at_a_term_gives_the_whole_scan(int pageSize)
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn, pageSize);
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('automerge', 0)");
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('hashsize', 20000)");
        Fill(conn, "f", 1500, pageSize, 3, transactions: 5);
        var whole = Leaves(conn, "f", create);
        var splits = new List<byte[]>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT term FROM f_idx WHERE length(term) > 0 ORDER BY term";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                splits.Add((byte[])reader[0]);
        }
        splits = splits.Where((_, i) => i % Math.Max(1, splits.Count / 12) == 0).ToList();
        splits.AddRange(new[] { "0cat", "0cau", "0dogz", "0", "1", "0\u00ff" }.Select(t => Encoding.UTF8.GetBytes(t)));
        foreach (var middle in splits)
        {
            var lower = new List<(string, long, long)>();
            var upper = new List<(string, long, long)>();
            FtsLeafScan.Scan(conn.Handle!, "main", "f", create, (t, r, c) => lower.Add((Convert.ToHexString(t), r, c)), CancellationToken.None, to: middle);
            FtsLeafScan.Scan(conn.Handle!, "main", "f", create, (t, r, c) => upper.Add((Convert.ToHexString(t), r, c)), CancellationToken.None, from: middle);
            Assert.Equal(whole, lower.Concat(upper).ToList());
        }
    }

    /// <summary>The ranking file written in two halves on two threads is byte for byte the one written by one scan.</summary>
    [Fact]
    public void Term_frequencies_written_in_two_halves_equal_one_scan()
    {
        using var temp = new TempDir();
        string create;
        using (var conn = Open(temp))
        {
            create = CreateIndex(conn, 128);
            Exec(conn, "INSERT INTO f (f, rank) VALUES ('hashsize', 20000)");
            Fill(conn, "f", 2000, 9, 1, transactions: 4);
        }
        using var read = new SqliteConnection($"Data Source={temp.File("x.db")};Pooling=False");
        read.Open();
        string one = temp.File("one.termfreq"), two = temp.File("two.termfreq");
        SearchRankingBuilder.WriteTermFrequencies(one, 4000, merge => FtsLeafScan.Scan(read.Handle!, "main", "f", create, merge.Emit, CancellationToken.None));
        foreach (string middle in new[] { "0cat", "0night", "0x1", "0\u00ff" })
        {
            File.Delete(two);
            SearchRankingBuilder.WriteTermFrequenciesInTwo(read, two, 4000, "f", create, Encoding.UTF8.GetBytes(middle), CancellationToken.None);
            Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
            Assert.False(File.Exists(two + ".upper"));
        }
    }

    [Fact]
    public void An_incremental_merge_in_progress_reads_the_same()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn, 64);
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('automerge', 2)");
        // Small transactions make many small segments; automerge then leaves merges part done between them.
        bool merging = false;
        for (int round = 0; round < 200 && !merging; round++)
        {
            using (var tx = conn.BeginTransaction())
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "INSERT INTO f (a, b) VALUES ($a, $b)";
                var rng = new Random(round);
                cmd.Parameters.AddWithValue("$a", string.Join(' ', Enumerable.Range(0, 200).Select(_ => Words[rng.Next(Words.Length)])));
                cmd.Parameters.AddWithValue("$b", Words[rng.Next(Words.Length)]);
                cmd.ExecuteNonQuery();
                tx.Commit();
            }
            merging = Levels(conn, "f").Any(l => l.Merging > 0);
        }
        Assert.True(merging, "no incremental merge was left in progress");
        Assert.Equal(Vocabulary(conn, "f"), Leaves(conn, "f", create));
    }

    [Fact]
    public void An_external_content_index_rebuilt_as_ingest_builds_it_reads_the_same()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        Exec(conn, "CREATE TABLE t (a TEXT, b TEXT)");
        Fill(conn, "t", 3000, 11, 1, transactions: 1);
        string create = $"CREATE VIRTUAL TABLE t_fts USING fts5(a, b, content=\"t\", content_rowid=\"rowid\", {Tokenizer})";
        Exec(conn, create);
        Exec(conn, "INSERT INTO t_fts (t_fts, rank) VALUES ('hashsize', 100000)");
        Exec(conn, "INSERT INTO t_fts (t_fts) VALUES ('rebuild')");
        Assert.Equal(Vocabulary(conn, "t_fts"), Leaves(conn, "t_fts", create));
    }

    [Fact]
    public void Delete_markers_are_refused()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn);
        Exec(conn, "INSERT INTO f (f, rank) VALUES ('automerge', 0)");
        Fill(conn, "f", 200, 3, 1, transactions: 1);
        Assert.NotEmpty(Leaves(conn, "f", create));
        Exec(conn, "DELETE FROM f WHERE rowid = 5");
        Assert.Throws<FtsLayoutException>(() => Leaves(conn, "f", create));
    }

    [Fact]
    public void Other_detail_modes_and_prefix_indexes_are_refused()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        foreach (string options in new[] { "detail=column", "detail=none", "prefix='2 3'" })
        {
            string create = $"CREATE VIRTUAL TABLE f USING fts5(a, b, {options}, {Tokenizer})";
            Exec(conn, "DROP TABLE IF EXISTS f");
            Exec(conn, create);
            Fill(conn, "f", 50, 4, 1, transactions: 1);
            Assert.Throws<FtsLayoutException>(() => Leaves(conn, "f", create));
        }
    }

    [Fact]
    public void A_missing_leaf_page_is_refused()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn, 64);
        Fill(conn, "f", 300, 5, 1, transactions: 1);
        // Page 3 of segment 1 (FTS5's leaf rowid: segment id << 37 | page number).
        Exec(conn, $"DELETE FROM f_data WHERE id = {(1L << 37) + 3}");
        Assert.Throws<FtsLayoutException>(() => Leaves(conn, "f", create));
    }

    [Fact]
    public void Damaged_leaf_pages_are_refused_or_read_in_order()
    {
        using var temp = new TempDir();
        using var conn = Open(temp);
        string create = CreateIndex(conn, 128);
        Fill(conn, "f", 300, 6, 1, transactions: 1);
        var pages = new List<(long Id, byte[] Block)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT id, block FROM f_data WHERE id > 10 ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                pages.Add((r.GetInt64(0), (byte[])r[1]));
        }
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var (id, block) = pages[rng.Next(pages.Count)];
            byte[] damaged = rng.Next(2) == 0 ? block[..rng.Next(block.Length)] : (byte[])block.Clone();
            if (damaged.Length == block.Length)
                damaged[rng.Next(damaged.Length)] ^= (byte)(1 + rng.Next(255));
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "UPDATE f_data SET block = $b WHERE id = $id";
                cmd.Parameters.AddWithValue("$b", damaged);
                cmd.Parameters.AddWithValue("$id", id);
                cmd.ExecuteNonQuery();
            }
            try
            {
                // Either refused, or a stream the ranking writer accepts: rows ascending within each term.
                var pairs = Leaves(conn, "f", create);
                for (int i = 1; i < pairs.Count; i++)
                {
                    if (pairs[i].Term == pairs[i - 1].Term)
                        Assert.True(pairs[i].Row > pairs[i - 1].Row);
                }
                Assert.All(pairs, p => Assert.True(p.Row >= 0 && p.Count >= 0));
            }
            catch (FtsLayoutException)
            {
            }
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "UPDATE f_data SET block = $b WHERE id = $id";
                cmd.Parameters.AddWithValue("$b", block);
                cmd.Parameters.AddWithValue("$id", id);
                cmd.ExecuteNonQuery();
            }
        }
    }
}
