using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Ingest;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.Search;
using Xunit.Abstractions;

namespace Trawl.Store.Tests.AnnIndexes;

public sealed class DatasetIndexesTests(ITestOutputHelper output) : IDisposable
{
    private readonly IndexedDataset _data = new();

    public void Dispose() => _data.Dispose();

    private static readonly DatasetIndexBuildOptions Small = new() { EfConstruction = 80, Seed = 3 };

    [Fact]
    public void Hnsw_built_through_the_store_finds_the_exact_neighbours_at_ef_128()
    {
        var report = DatasetIndexes.Build(_data.Path, "emb", "HNSW16", new DatasetIndexBuildOptions { EfConstruction = 100, Seed = 3 });
        Assert.Equal(Path.Combine(_data.Path, "indexes", "emb.hnsw"), report.Path);
        Assert.True(File.Exists(report.Path));
        Assert.Equal(IndexedDataset.Rows, report.Rows);
        Assert.Equal(Trawl.Vectors.VectorMetric.InnerProduct, report.Metric);
        Assert.Equal(new FileInfo(report.Path).Length, report.SizeBytes);

        using var dataset = Dataset.Open(_data.Path);
        using IVectorIndex index = DatasetIndexes.Open(dataset, "emb", required: true)!;
        Assert.Equal("HNSW16", index.Factory);
        Assert.Equal(IndexedDataset.Rows, index.Count);

        // Fresh queries (not rows of the set) against exact search over the same f16 vectors.
        float[] queries = ClusteredVectors.Generate(200, IndexedDataset.Dim, seed: 99);
        var exact = ExactSearch.Create(dataset.OpenVectorSet("emb").Matrix, index.Metric);
        var truth = exact.SearchBatch(queries, 10).Select(r => (IReadOnlyList<long>)r.Ids).ToList();
        foreach (int ef in new[] { 16, 32, 64 })
        {
            var at = index.SearchBatch(queries, 10, new IndexSearchOptions { Ef = ef }).Select(r => (IReadOnlyList<long>)r.Ids).ToList();
            output.WriteLine($"HNSW16 efC 100, ef {ef}: recall@10 {Recall.AtK(at, truth, 10):0.000}");
        }
        var found = index.SearchBatch(queries, 10, new IndexSearchOptions { Ef = 128 }).Select(r => (IReadOnlyList<long>)r.Ids).ToList();
        double recall = Recall.AtK(found, truth, 10);
        output.WriteLine($"HNSW16 efC 100, ef 128: recall@10 {recall:0.000}");
        Assert.True(recall >= 0.95, $"recall@10 {recall}");

        var estimate = IndexRecall.Estimate(index);
        output.WriteLine($"estimate on the set's own rows: {estimate.Recall:0.000} at {estimate.Settings}");
        Assert.Equal(200, estimate.Queries);
        Assert.Equal("ef 64", estimate.Settings);
        Assert.True(estimate.Recall >= 0.95, $"estimated recall {estimate.Recall}");
    }

    [Fact]
    public void Registry_row_records_the_file_factory_metric_and_the_sets_checksum()
    {
        DatasetIndexes.Build(_data.Path, "emb", "hnsw8", Small);
        using var dataset = Dataset.Open(_data.Path);
        var info = Assert.Single(DatasetIndexes.List(dataset));
        Assert.Equal("emb", info.VectorSet);
        Assert.Equal("indexes/emb.hnsw", info.File);
        Assert.Equal("HNSW8", info.Factory);
        Assert.Equal(Trawl.Vectors.VectorMetric.InnerProduct, info.Metric);
        Assert.Equal(dataset.ListVectorSets().Single().Checksum, info.VectorSetChecksum);
        Assert.False(info.Stale);
        Assert.True(info.SizeBytes > 0);
        Assert.True(info.BuildSeconds > 0);
        Assert.True(DateTime.TryParse(info.BuiltAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out _));
    }

    [Fact]
    public void Building_another_kind_replaces_the_index_and_removes_the_old_file()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        string hnsw = Path.Combine(_data.Path, "indexes", "emb.hnsw");
        Assert.True(File.Exists(hnsw));
        DatasetIndexes.Build(_data.Path, "emb", "IVF32,PQ8,Refine", Small);
        Assert.False(File.Exists(hnsw));
        Assert.True(File.Exists(Path.Combine(_data.Path, "indexes", "emb.ivfpq")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_data.Path, "indexes"), "*tmp*"));

        using var dataset = Dataset.Open(_data.Path);
        var info = Assert.Single(DatasetIndexes.List(dataset));
        Assert.Equal("IVF32,PQ8,Refine", info.Factory);
        using var index = DatasetIndexes.Open(dataset, "emb")!;
        Assert.Equal("IVF32,PQ8,Refine", index.Factory);
        var estimate = IndexRecall.Estimate(index, new IndexSearchOptions { NProbe = 8 });
        output.WriteLine($"IVF32,PQ8,Refine nprobe 8: {estimate.Recall:0.000}");
        Assert.True(estimate.Recall >= 0.8, $"recall {estimate.Recall}");
    }

    [Fact]
    public void Same_seed_and_settings_give_the_same_index_file()
    {
        var first = DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small with { Threads = 2 });
        byte[] a = File.ReadAllBytes(first.Path);
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small with { Threads = 1 });
        Assert.Equal(a, File.ReadAllBytes(first.Path));
    }

    [Fact]
    public void Index_is_stale_after_the_vector_set_changes_and_is_not_used()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        _data.Ingest(IndexedDataset.Rows, 100, ClusteredVectors.Generate(100, IndexedDataset.Dim, seed: 8), IngestMode.Append);

        using var dataset = Dataset.Open(_data.Path);
        var info = Assert.Single(DatasetIndexes.List(dataset));
        Assert.True(info.Stale);
        var warnings = new List<string>();
        Assert.Null(DatasetIndexes.Open(dataset, "emb", warn: warnings.Add));
        Assert.Contains("stale", Assert.Single(warnings));
        var e = Assert.Throws<UserErrorException>(() => DatasetIndexes.Open(dataset, "emb", required: true));
        Assert.Contains("stale", e.Message);
        Assert.Contains("trawl index", e.Message);

        // Rebuilding makes it current again, over every row.
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        using var index = DatasetIndexes.Open(dataset, "emb", required: true)!;
        Assert.Equal(IndexedDataset.Rows + 100, index.Count);
    }

    [Fact]
    public void Index_whose_checksum_row_is_current_but_whose_file_was_built_for_other_vectors_is_refused()
    {
        // The registry says current, but the file's own header was built over other data: the library's check catches it.
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        string file = Path.Combine(_data.Path, "indexes", "emb.hnsw");
        byte[] saved = File.ReadAllBytes(file);
        _data.Ingest(0, IndexedDataset.Rows, ClusteredVectors.Generate(IndexedDataset.Rows, IndexedDataset.Dim, seed: 6), IngestMode.Replace);
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "meta.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE _trawl_indexes SET vector_set_checksum = (SELECT checksum FROM _trawl_vector_sets WHERE name = 'emb')";
            int updated = cmd.ExecuteNonQuery();
            Assert.Equal(1, updated);
        }
        File.WriteAllBytes(file, saved);
        using var dataset = Dataset.Open(_data.Path);
        var warnings = new List<string>();
        Assert.Null(DatasetIndexes.Open(dataset, "emb", warn: warnings.Add));
        Assert.Contains("stale", Assert.Single(warnings));
    }

    [Fact]
    public void Damaged_index_file_is_not_used_and_says_why()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        string file = Path.Combine(_data.Path, "indexes", "emb.hnsw");
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        using var dataset = Dataset.Open(_data.Path);
        var warnings = new List<string>();
        Assert.Null(DatasetIndexes.Open(dataset, "emb", warn: warnings.Add));
        Assert.Contains("cannot be used", Assert.Single(warnings));
        Assert.Throws<UserErrorException>(() => DatasetIndexes.Open(dataset, "emb", required: true));
    }

    [Fact]
    public void Missing_index_file_counts_as_stale()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        File.Delete(Path.Combine(_data.Path, "indexes", "emb.hnsw"));
        using var dataset = Dataset.Open(_data.Path);
        Assert.True(Assert.Single(DatasetIndexes.List(dataset)).Stale);
        var e = Assert.Throws<UserErrorException>(() => DatasetIndexes.Open(dataset, "emb", required: true));
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Set_without_an_index_opens_as_null_unless_one_is_required()
    {
        using var dataset = Dataset.Open(_data.Path);
        Assert.Empty(DatasetIndexes.List(dataset));
        Assert.Null(DatasetIndexes.Open(dataset, "emb"));
        var e = Assert.Throws<UserErrorException>(() => DatasetIndexes.Open(dataset, "emb", required: true));
        Assert.Contains("no index", e.Message);
    }

    [Theory]
    [InlineData("nope", "HNSW16", "no vector set 'nope'")]
    [InlineData("emb", "HNSW", "HNSW needs M")]
    [InlineData("emb", "IVF16,PQ5", "divisible by 5")]
    [InlineData("emb", "IVF9000,PQ8", "training rows")]
    public void Bad_requests_are_user_errors_naming_the_problem(string set, string factory, string expected)
    {
        var e = Assert.Throws<UserErrorException>(() => DatasetIndexes.Build(_data.Path, set, factory, Small));
        Assert.Contains(expected, e.Message);
        Assert.False(File.Exists(Path.Combine(_data.Path, "indexes", "emb.hnsw")));
    }

    [Fact]
    public void Cancelled_build_leaves_no_index_behind()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small, cancel: cancel.Token));
        using var dataset = Dataset.Open(_data.Path);
        Assert.Empty(DatasetIndexes.List(dataset));
        Assert.False(File.Exists(Path.Combine(_data.Path, "indexes", "emb.hnsw")));
    }

    [Fact]
    public void Progress_reports_training_adding_and_saving_up_to_every_row()
    {
        var seen = new List<IndexBuildProgress>();
        DatasetIndexes.Build(_data.Path, "emb", "IVF16,PQ8", Small, new SyncProgress(seen.Add));
        Assert.Equal("train", seen[0].Phase);
        Assert.Contains(seen, p => p.Phase == "add");
        Assert.Equal(new IndexBuildProgress("save", IndexedDataset.Rows, IndexedDataset.Rows), seen[^1]);
        var adds = seen.Where(p => p.Phase == "add").Select(p => p.Done).ToList();
        Assert.Equal(adds.OrderBy(x => x), adds);
    }

    private sealed class SyncProgress(Action<IndexBuildProgress> report) : IProgress<IndexBuildProgress>
    {
        public void Report(IndexBuildProgress value) => report(value);
    }
}
