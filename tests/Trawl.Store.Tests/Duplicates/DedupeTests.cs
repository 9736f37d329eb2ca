using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Duplicates;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Queries;

namespace Trawl.Store.Tests.Duplicates;

public class DedupeTests
{
    /// <summary>(dup_cluster, dup_of) of every row by rowid, read with plain SQL.</summary>
    private static (long? Cluster, long? Of)[] ReadColumns(string path, int rows)
    {
        var result = new (long?, long?)[rows];
        using var conn = new SqliteConnection($"Data Source={System.IO.Path.Combine(path, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT rowid, dup_cluster, dup_of FROM items";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            result[r.GetInt64(0)] = (r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2));
        return result;
    }

    private static void AssertMatchesOracle(int[] roots, (long? Cluster, long? Of)[] columns, Func<int, int>? keptOf = null)
    {
        var size = roots.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(size.Values.Count(s => s > 1) > 20, "too few planted clusters to test");
        for (int i = 0; i < roots.Length; i++)
        {
            if (size[roots[i]] == 1)
            {
                Assert.Equal((null, null), columns[i]);
                continue;
            }
            Assert.Equal(roots[i], columns[i].Cluster);
            int kept = keptOf?.Invoke(roots[i]) ?? roots[i];
            Assert.Equal(i == kept ? null : kept, columns[i].Of);
        }
    }

    [Fact]
    public void Exact_dedupe_writes_the_clusters_of_every_pair_above_the_threshold()
    {
        using var data = new DuplicateDataset();
        var report = DatasetDedupe.Run(data.Path, new DedupeRequest { VectorSet = "emb", Threshold = 0.9, Metric = "cosine" });
        var roots = data.Clusters(0.9);
        AssertMatchesOracle(roots, ReadColumns(data.Path, data.Rows));
        Assert.Equal("exact", report.Search);
        Assert.Null(report.Recall);
        Assert.Equal(roots.Distinct().Count(r => roots.Count(x => x == r) > 1), report.Clusters);
        Assert.Equal(report.RowsInClusters - report.Clusters, report.Duplicates);
        Assert.False(Directory.Exists(DedupeWork.FolderFor(data.Path, "items")));

        // Normal columns: filterable (the deduplicated view), facetable, listed in the table's columns.
        using var ds = Dataset.Open(data.Path);
        Assert.Contains(ds.GetTable("items").Columns, c => c.Name == "dup_of");
        long kept = ds.CountRows(new TableQuery { Table = "items", Filters = [new ColumnFilter("dup_of", FilterOp.IsNull, "1")] });
        Assert.Equal(data.Rows - report.Duplicates, kept);
        var facet = ds.Facet(new TableQuery { Table = "items", Filters = [new ColumnFilter("dup_cluster", FilterOp.IsNull, "0")] }, "dup_cluster", 5);
        Assert.Equal(roots.GroupBy(r => r).Max(g => g.Count()), facet.Values[0].Count);
    }

    [Fact]
    public void Keep_best_keeps_the_row_with_the_largest_value_and_a_rerun_replaces_the_old_columns()
    {
        using var data = new DuplicateDataset(seed: 12);
        DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.9, Metric = "cosine" });
        DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.9, Metric = "cosine", Keep = KeepRule.Parse("best:score") });
        var roots = data.Clusters(0.9);
        var best = roots.Select((root, i) => (root, i)).GroupBy(x => x.root)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => data.Scores[x.i]).ThenBy(x => x.i).First().i);
        AssertMatchesOracle(roots, ReadColumns(data.Path, data.Rows), root => best[root]);

        var stricter = DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.999, Metric = "cosine" });
        Assert.Equal(0, stricter.Clusters);
        Assert.All(ReadColumns(data.Path, data.Rows), c => Assert.Equal((null, null), c));
        Assert.Throws<UserErrorException>(() => KeepRule.Parse("largest"));
        Assert.Throws<UserErrorException>(() => DatasetDedupe.Run(data.Path, new DedupeRequest { Keep = KeepRule.Parse("best:nope"), Metric = "cosine" }));
    }

    [Fact]
    public void With_an_HNSW_index_candidates_are_rechecked_and_the_recall_is_reported()
    {
        using var data = new DuplicateDataset(seed: 13);
        DatasetIndexes.Build(data.Path, "emb", "HNSW16", new DatasetIndexBuildOptions { Metric = Trawl.Vectors.VectorMetric.Cosine });
        var report = DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.9, Metric = "cosine", RecallSample = 1500 });
        Assert.Equal("HNSW16", report.Search);
        Assert.NotNull(report.Recall);
        Assert.InRange(report.Recall!.Value, 0.95, 1.0);
        Assert.True(report.RecallSamplePairs > 20);
        var roots = data.Clusters(0.9);
        var columns = ReadColumns(data.Path, data.Rows);
        // No false pair: rows clustered together are together in the oracle too.
        for (int i = 0; i < data.Rows; i++)
            if (columns[i].Cluster is { } c) Assert.Equal(roots[i], roots[(int)c]);
    }

    [Fact]
    public void With_an_IVF_PQ_index_candidates_are_rechecked_exactly_and_no_false_pair_is_kept()
    {
        using var data = new DuplicateDataset(seed: 14);
        DatasetIndexes.Build(data.Path, "emb", "IVF16,PQ8,Refine", new DatasetIndexBuildOptions { Metric = Trawl.Vectors.VectorMetric.Cosine, Seed = 3 });
        var report = DatasetDedupe.Run(data.Path, new DedupeRequest { Threshold = 0.9, Metric = "cosine", RecallSample = 1500 });
        Assert.Equal("IVF16,PQ8,Refine", report.Search);
        Assert.NotNull(report.Recall);
        Assert.InRange(report.Recall!.Value, 0.8, 1.0);
        var roots = data.Clusters(0.9);
        var columns = ReadColumns(data.Path, data.Rows);
        int clustered = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            if (columns[i].Cluster is not { } c) continue;
            clustered++;
            Assert.Equal(roots[i], roots[(int)c]);
        }
        Assert.True(clustered > 20);
    }

    [Fact]
    public void An_interrupted_dedupe_resumes_and_gives_the_same_columns()
    {
        using var data = new DuplicateDataset(seed: 14);
        using var cancel = new CancellationTokenSource();
        var request = new DedupeRequest { Threshold = 0.9, Metric = "cosine", RowsPerChunk = 100 };
        var stopAfterSomeChunks = new Progress(p => { if (p.Phase == DedupePhase.Pairs && p.Done >= 700) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetDedupe.Run(data.Path, request, stopAfterSomeChunks, cancel.Token));
        Assert.True(File.Exists(System.IO.Path.Combine(DedupeWork.FolderFor(data.Path, "items"), "state.json")));
        var resumed = DatasetDedupe.Run(data.Path, request);
        Assert.Equal(700, resumed.ResumedAtRow);
        AssertMatchesOracle(data.Clusters(0.9), ReadColumns(data.Path, data.Rows));
        var fresh = DatasetDedupe.Run(data.Path, request with { Restart = true });
        Assert.Null(fresh.ResumedAtRow);
        Assert.Equal(fresh.Pairs, resumed.Pairs);
    }

    [Fact]
    public void A_vector_set_with_a_NaN_is_refused_naming_the_row()
    {
        using var data = new DuplicateDataset(rows: 300, seed: 15, edit: v => v[123 * DuplicateDataset.Dim + 4] = float.NaN);
        var e = Assert.Throws<UserErrorException>(() => DatasetDedupe.Run(data.Path, new DedupeRequest { Metric = "cosine" }));
        Assert.Contains("row 123", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.0001)]
    [InlineData(double.NaN)]
    public void A_threshold_outside_zero_to_one_is_refused(double threshold)
    {
        var e = Assert.Throws<UserErrorException>(() => DatasetDedupe.Run("/nonexistent.trawl", new DedupeRequest { Threshold = threshold }));
        Assert.Contains("threshold", e.Message);
    }

    [Fact]
    public void MinHash_dedupe_clusters_captions_with_one_word_changed()
    {
        using var data = new DuplicateDataset(seed: 16);
        var report = DatasetDedupe.Run(data.Path, new DedupeRequest { Method = DedupeMethod.MinHash, TextColumn = "caption", Threshold = 0.7 });
        Assert.StartsWith("minhash", report.Search);
        // Captions of copies share their vector clusters (a copy's caption differs from its source in one word of 30).
        var roots = data.Clusters(0.9);
        var columns = ReadColumns(data.Path, data.Rows);
        int inPlanted = roots.Select((r, i) => (r, i)).Count(x => roots.Count(y => y == x.r) > 1);
        int found = columns.Count(c => c.Cluster is not null);
        Assert.InRange(found, inPlanted * 0.95, inPlanted);
        for (int i = 0; i < data.Rows; i++)
            if (columns[i].Cluster is { } c) Assert.Equal(roots[i], roots[(int)c]);
        Assert.Throws<UserErrorException>(() => DatasetDedupe.Run(data.Path, new DedupeRequest { Method = DedupeMethod.MinHash, TextColumn = "nope" }));
    }

    [Fact]
    public void An_interrupted_minhash_dedupe_resumes_in_the_signatures_and_in_the_bands_and_gives_the_same_columns()
    {
        using var data = new DuplicateDataset(seed: 17);
        var request = new DedupeRequest { Method = DedupeMethod.MinHash, TextColumn = "caption", Threshold = 0.7, RowsPerChunk = 100 };
        string folder = DedupeWork.FolderFor(data.Path, "items");

        // Stopped while signing: 700 rows are saved; then bytes of a half-written chunk, as a kill would leave them.
        using (var cancel = new CancellationTokenSource())
        {
            var stop = new Progress(p => { if (p.Phase == DedupePhase.Preparing && p.Done >= 700) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => DatasetDedupe.Run(data.Path, request, stop, cancel.Token));
        }
        Assert.True(File.Exists(System.IO.Path.Combine(folder, "minhash.json")));
        File.AppendAllText(System.IO.Path.Combine(folder, "minhash.sig"), new string('x', 1000));
        File.AppendAllText(System.IO.Path.Combine(folder, "minhash.rows"), new string('y', 24));

        // Resumed, then stopped again after three bands.
        using (var cancel = new CancellationTokenSource())
        {
            var stop = new Progress(p => { if (p.Phase == DedupePhase.Pairs && p.Done >= 3) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => DatasetDedupe.Run(data.Path, request, stop, cancel.Token));
        }
        Assert.True(File.Exists(System.IO.Path.Combine(folder, "minhash.json")));
        var resumed = DatasetDedupe.Run(data.Path, request);
        Assert.Equal(data.Rows, resumed.ResumedAtRow);
        var afterResume = ReadColumns(data.Path, data.Rows);
        Assert.False(Directory.Exists(folder));

        var fresh = DatasetDedupe.Run(data.Path, request with { Restart = true });
        Assert.Null(fresh.ResumedAtRow);
        Assert.Equal(fresh.Pairs, resumed.Pairs);
        Assert.True(fresh.Clusters > 20);
        Assert.Equal(ReadColumns(data.Path, data.Rows), afterResume);
    }

    [Fact]
    public void Saved_minhash_work_for_another_request_is_not_reused()
    {
        using var data = new DuplicateDataset(seed: 18);
        var request = new DedupeRequest { Method = DedupeMethod.MinHash, TextColumn = "caption", Threshold = 0.7, RowsPerChunk = 100 };
        using (var cancel = new CancellationTokenSource())
        {
            var stop = new Progress(p => { if (p.Phase == DedupePhase.Preparing && p.Done >= 500) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => DatasetDedupe.Run(data.Path, request, stop, cancel.Token));
        }
        var other = DatasetDedupe.Run(data.Path, request with { Threshold = 0.8 });
        Assert.Null(other.ResumedAtRow);
        var fresh = DatasetDedupe.Run(data.Path, request with { Threshold = 0.8, Restart = true });
        Assert.Equal(fresh.Pairs, other.Pairs);
    }

    private sealed class Progress(Action<DedupeProgress> report) : IProgress<DedupeProgress>
    {
        public void Report(DedupeProgress value) => report(value);
    }
}
