using Trawl.Vectors.Indexes;
using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Ingest;

namespace Trawl.Store.Tests.AnnIndexes;

public sealed class IndexCacheTests : IDisposable
{
    private readonly IndexedDataset _data = new();
    private static readonly DatasetIndexBuildOptions Small = new() { EfConstruction = 40, Seed = 3 };

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Cache_opens_an_index_once_and_reopens_it_after_a_rebuild()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        using var dataset = Dataset.Open(_data.Path);
        using var cache = new IndexCache();
        var set = dataset.ListVectorSets().Single();
        var first = cache.Get(dataset, set, out string? warning);
        Assert.NotNull(first);
        Assert.Null(warning);
        Assert.Same(first, cache.Get(dataset, set, out _));

        DatasetIndexes.Build(_data.Path, "emb", "HNSW16", Small);
        var second = cache.Get(dataset, set, out _);
        Assert.NotNull(second);
        Assert.NotSame(first, second);
        Assert.Equal("HNSW16", second!.Factory);
        // The replaced index stays usable for searches that were running on it.
        Assert.Equal(10, first!.Search(_data.Vectors.AsSpan(0, IndexedDataset.Dim), 10).Count);
    }

    [Fact]
    public void Cache_gives_no_index_and_a_warning_when_the_set_changed()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        _data.Ingest(IndexedDataset.Rows, 50, ClusteredVectors.Generate(50, IndexedDataset.Dim, seed: 4), IngestMode.Append);
        using var dataset = Dataset.Open(_data.Path);
        using var cache = new IndexCache();
        Assert.Null(cache.Get(dataset, dataset.ListVectorSets().Single(), out string? warning));
        Assert.Contains("stale", warning);
    }

    [Fact]
    public void Cache_gives_null_without_a_warning_for_a_set_without_an_index()
    {
        using var dataset = Dataset.Open(_data.Path);
        using var cache = new IndexCache();
        Assert.Null(cache.Get(dataset, dataset.ListVectorSets().Single(), out string? warning));
        Assert.Null(warning);
    }

    [Fact]
    public async Task Cache_warms_each_opened_index_in_the_background_and_results_stay_those_of_the_unwarmed_index()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        using var dataset = Dataset.Open(_data.Path);
        var set = dataset.ListVectorSets().Single();
        using var cold = new IndexCache { WarmUpInBackground = false };
        var unwarmed = cold.Get(dataset, set, out _)!;
        Assert.Empty(cold.WarmUps);

        var cache = new IndexCache();
        var index = cache.Get(dataset, set, out _)!;
        Task warm = Assert.Single(cache.WarmUps);
        await warm.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WarmUpMode.Populate, IndexCache.ModeFor(index, DatasetIndexes.Find(dataset, set.Name)!.SizeBytes));
        float[] queries = _data.Vectors.AsSpan(0, 20 * IndexedDataset.Dim).ToArray();
        var expected = unwarmed.SearchBatch(queries, 10);
        var found = index.SearchBatch(queries, 10);
        for (int q = 0; q < expected.Length; q++) Assert.Equal(expected[q].Ids, found[q].Ids);
        cache.Dispose();
        cache.Dispose(); // a second disposal is harmless
    }

    [Fact]
    public void Disposing_the_cache_cancels_a_warm_up_and_waits_for_it()
    {
        DatasetIndexes.Build(_data.Path, "emb", "HNSW8", Small);
        using var dataset = Dataset.Open(_data.Path);
        var cache = new IndexCache();
        Assert.NotNull(cache.Get(dataset, dataset.ListVectorSets().Single(), out _));
        Task warm = Assert.Single(cache.WarmUps);
        cache.Dispose();
        Assert.True(warm.IsCompleted);
        Assert.False(warm.IsFaulted);
    }
}
