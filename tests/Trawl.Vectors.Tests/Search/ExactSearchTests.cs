using Trawl.Vectors.Kernels;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Tests.Search;

public sealed class ExactSearchTests
{
    public static readonly TheoryData<VectorMetric, int> MetricsAndDimensions = new()
    {
        { VectorMetric.InnerProduct, 1 }, { VectorMetric.InnerProduct, 7 }, { VectorMetric.InnerProduct, 100 }, { VectorMetric.InnerProduct, 768 },
        { VectorMetric.L2, 1 }, { VectorMetric.L2, 7 }, { VectorMetric.L2, 511 }, { VectorMetric.L2, 1025 },
    };

    private static ExactSearch Create(VectorMatrix data, VectorMetric metric, SimdLevel level, int threads = 2)
        => ExactSearch.Create(data, metric, new ExactSearchOptions { MaxSimdLevel = level, Threads = threads });

    [Theory]
    [MemberData(nameof(MetricsAndDimensions))]
    public void Search_equals_the_naive_reference_with_ties_broken_by_smaller_id(VectorMetric metric, int dim)
    {
        // Small integers make every score exact, so ties are real and the order is fully determined.
        var random = new Random(dim * 10 + (int)metric);
        int rows = dim == 1 ? 50 : 3000;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 2);
        float[] query = TestData.SmallIntegers(random, dim, max: 2);
        var matrix = VectorMatrix.FromFloat32(data, dim);
        var expected = NaiveSearch.Run(data, dim, query, metric, 20);
        foreach (SimdLevel level in TestData.Levels())
            foreach (int threads in new[] { 1, 2 })
            {
                SearchResult result = Create(matrix, metric, level, threads).Search(query, 20);
                Assert.Equal(expected.Ids, result.Ids);
                Assert.Equal(expected.Scores.Select(s => (float)s), result.Scores);
            }
    }

    [Fact]
    public void Parallel_scan_over_a_large_set_equals_the_naive_reference()
    {
        // Large enough (15 MB) that the scan is cut into several chunks shared by the threads.
        var random = new Random(5);
        const int dim = 96, rows = 40000;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 3);
        float[] query = TestData.SmallIntegers(random, dim, max: 3);
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.InnerProduct, new ExactSearchOptions { Threads = 4 });
        SearchResult result = search.Search(query, 50);
        Assert.Equal(NaiveSearch.Run(data, dim, query, VectorMetric.InnerProduct, 50).Ids, result.Ids);
    }

    [Fact]
    public void Cosine_search_over_unnormalised_rows_matches_the_reference_scores()
    {
        var random = new Random(6);
        const int dim = 100, rows = 2000;
        float[] data = TestData.Floats(random, rows * dim, scale: 3f);
        for (int i = 0; i < dim; i++) data[7 * dim + i] = 0; // a zero row has cosine 0
        float[] query = TestData.Floats(random, dim);
        var expected = NaiveSearch.Run(data, dim, query, VectorMetric.Cosine, 10);
        foreach (SimdLevel level in TestData.Levels())
        {
            SearchResult result = Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.Cosine, level).Search(query, 10);
            Assert.Equal(expected.Ids, result.Ids);
            for (int i = 0; i < 10; i++) Assert.Equal(expected.Scores[i], result.Scores[i], 4);
        }
    }

    [Theory]
    [InlineData(VectorMetric.InnerProduct)]
    [InlineData(VectorMetric.Cosine)]
    [InlineData(VectorMetric.L2)]
    public void Batch_search_returns_the_single_query_results(VectorMetric metric)
    {
        var random = new Random(7 + (int)metric);
        const int dim = 67, rows = 1203, queries = 9;
        float[] data = TestData.Floats(random, rows * dim);
        float[] q = TestData.Floats(random, queries * dim);
        foreach (VectorMatrix matrix in new[] { VectorMatrix.FromFloat32(data, dim), VectorMatrix.FromFloat16(TestData.ToHalves(data), dim) })
            foreach (SimdLevel level in TestData.Levels())
            {
                ExactSearch search = Create(matrix, metric, level);
                SearchResult[] batch = search.SearchBatch(q, 15);
                Assert.Equal(queries, batch.Length);
                for (int i = 0; i < queries; i++)
                {
                    SearchResult single = search.Search(q.AsSpan(i * dim, dim), 15);
                    Assert.Equal(single.Ids, batch[i].Ids);
                    for (int j = 0; j < 15; j++)
                        Assert.True(Math.Abs(single.Scores[j] - batch[i].Scores[j]) <= 1e-5f * Math.Max(1f, Math.Abs(single.Scores[j])), $"query {i} rank {j}: {single.Scores[j]} vs {batch[i].Scores[j]}");
                }
            }
    }

    [Fact]
    public void Batch_search_with_more_queries_than_one_cache_chunk_returns_the_single_query_results()
    {
        var random = new Random(13);
        const int dim = 1025, rows = 150;
        int queries = Trawl.Vectors.Search.BlockedBatchScan.QueryChunkBytes / (dim * 4) + 9; // spills into a second chunk
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 2);
        float[] q = TestData.SmallIntegers(random, queries * dim, max: 2);
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.InnerProduct);
        SearchResult[] batch = search.SearchBatch(q, 5);
        for (int i = 0; i < queries; i++)
        {
            SearchResult single = search.Search(q.AsSpan(i * dim, dim), 5);
            Assert.Equal(single.Ids, batch[i].Ids);
            Assert.Equal(single.Scores, batch[i].Scores);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batch_search_reading_rows_a_span_at_a_time_across_query_chunks_returns_the_single_query_results(int threads)
    {
        // A span of a few row blocks and two query chunks: every chunk must see every span, in row order (ties by smaller id).
        var random = new Random(21);
        const int dim = 1025, rows = 2100;
        int queries = BlockedBatchScan.QueryChunkBytes / (dim * 4) + 5;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 1);
        float[] q = TestData.SmallIntegers(random, queries * dim, max: 1);
        foreach (VectorMatrix matrix in new[] { VectorMatrix.FromFloat32(data, dim), VectorMatrix.FromFloat16(TestData.ToHalves(data), dim) })
        {
            var spanned = ExactSearch.Create(matrix, VectorMetric.InnerProduct, new ExactSearchOptions { Threads = threads, BatchSpanBytes = 300L * matrix.RowBytes });
            var whole = ExactSearch.Create(matrix, VectorMetric.InnerProduct, new ExactSearchOptions { Threads = threads });
            SearchResult[] batch = spanned.SearchBatch(q, 7);
            SearchResult[] reference = whole.SearchBatch(q, 7);
            for (int i = 0; i < queries; i += 13)
            {
                SearchResult single = whole.Search(q.AsSpan(i * dim, dim), 7);
                Assert.Equal(single.Ids, batch[i].Ids);
                Assert.Equal(single.Scores, batch[i].Scores);
            }
            for (int i = 0; i < queries; i++) Assert.Equal(reference[i].Ids, batch[i].Ids);
        }
    }

    [Fact]
    public void Batch_search_over_exact_data_equals_the_naive_reference_with_ties()
    {
        var random = new Random(8);
        const int dim = 33, rows = 20000, queries = 6;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 1);
        float[] q = TestData.SmallIntegers(random, queries * dim, max: 1);
        ExactSearch search = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.InnerProduct);
        SearchResult[] batch = search.SearchBatch(q, 25);
        for (int i = 0; i < queries; i++)
            Assert.Equal(NaiveSearch.Run(data, dim, q[(i * dim)..((i + 1) * dim)], VectorMetric.InnerProduct, 25).Ids, batch[i].Ids);
    }

    [Fact]
    public void Float16_results_are_close_to_float32_results()
    {
        var random = new Random(9);
        const int dim = 256, rows = 5000;
        float[] data = TestData.Floats(random, rows * dim);
        float[][] queries = Enumerable.Range(0, 20).Select(_ => TestData.Floats(random, dim)).ToArray();
        ExactSearch f32 = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.InnerProduct);
        ExactSearch f16 = ExactSearch.Create(VectorMatrix.FromFloat16(TestData.ToHalves(data), dim), VectorMetric.InnerProduct);
        var found = queries.Select(q => (IReadOnlyList<long>)f16.Search(q, 10).Ids).ToList();
        var truth = queries.Select(q => (IReadOnlyList<long>)f32.Search(q, 10).Ids).ToList();
        Assert.True(Recall.AtK(found, truth, 10) >= 0.95, "f16 recall@10 against f32 should be at least 0.95");
        SearchResult a = f32.Search(queries[0], 1), b = f16.Search(queries[0], 1);
        Assert.Equal(a.Scores[0], b.Scores[0], 1);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(100000f)] // too large to prescale by 2^112: the plain f16 kernel runs
    public void Float16_inner_product_search_equals_the_naive_reference_on_exact_data(float queryScale)
    {
        var random = new Random(18);
        const int dim = 70, rows = 900;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 3);
        float[] query = TestData.SmallIntegers(random, dim, max: 3).Select(v => v * queryScale).ToArray();
        var expected = NaiveSearch.Run(data, dim, query, VectorMetric.InnerProduct, 20);
        foreach (SimdLevel level in TestData.Levels())
        {
            SearchResult result = Create(VectorMatrix.FromFloat16(TestData.ToHalves(data), dim), VectorMetric.InnerProduct, level).Search(query, 20);
            Assert.Equal(expected.Ids, result.Ids);
            Assert.Equal(expected.Scores.Select(s => (float)s), result.Scores);
        }
    }

    [Fact]
    public void Int8_search_equals_the_naive_reference()
    {
        var random = new Random(10);
        const int dim = 50, rows = 700;
        sbyte[] data = TestData.Int8s(random, rows * dim);
        sbyte[] query = TestData.Int8s(random, dim);
        float[] dataF = data.Select(v => (float)v).ToArray(), queryF = query.Select(v => (float)v).ToArray();
        foreach (VectorMetric metric in new[] { VectorMetric.InnerProduct, VectorMetric.L2 })
            foreach (SimdLevel level in TestData.Levels())
            {
                SearchResult result = Create(VectorMatrix.FromInt8(data, dim), metric, level).Search(query, 12);
                Assert.Equal(NaiveSearch.Run(dataF, dim, queryF, metric, 12).Ids, result.Ids);
            }
    }

    [Fact]
    public void Hamming_search_ranks_by_differing_bits_then_id()
    {
        var random = new Random(11);
        const int bits = 1024, rows = 500, words = bits / 64;
        ulong[] data = TestData.Words(random, rows * words);
        ulong[] query = data.AsSpan(42 * words, words).ToArray();
        data.AsSpan(42 * words, words).CopyTo(data.AsSpan(300 * words)); // an exact twin, later id
        var expected = Enumerable.Range(0, rows)
            .Select(r => (Id: (long)r, D: Enumerable.Range(0, words).Sum(w => System.Numerics.BitOperations.PopCount(data[r * words + w] ^ query[w]))))
            .OrderBy(t => t.D).ThenBy(t => t.Id).Take(10).ToArray();
        foreach (SimdLevel level in TestData.Levels())
        {
            SearchResult result = Create(VectorMatrix.FromBits(data, bits), VectorMetric.Hamming, level).Search(query, 10);
            Assert.Equal(expected.Select(e => e.Id), result.Ids);
            Assert.Equal(expected.Select(e => (float)e.D), result.Scores);
            Assert.Equal(new long[] { 42, 300 }, result.Ids[..2]);
        }
    }

    [Fact]
    public void Allow_list_restricts_results_to_allowed_rows_in_single_and_batch_search()
    {
        var random = new Random(12);
        const int dim = 16, rows = 1000;
        float[] data = TestData.SmallIntegers(random, rows * dim, max: 3);
        float[] query = TestData.SmallIntegers(random, dim, max: 3);
        var allowed = Enumerable.Range(0, rows).Where(r => r % 7 == 3).Select(r => (long)r).ToHashSet();
        var filter = RowFilter.FromIds(allowed, rows);
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.L2);
        var expected = NaiveSearch.Run(data, dim, query, VectorMetric.L2, 30, allowed.Contains).Ids;
        Assert.Equal(expected, search.Search(query, 30, new SearchOptions { Filter = filter }).Ids);
        Assert.Equal(expected, search.SearchBatch(query, 30, new SearchOptions { Filter = filter })[0].Ids);
    }

    [Fact]
    public void Allow_list_that_allows_nothing_returns_no_results()
    {
        var random = new Random(16);
        float[] data = TestData.Floats(random, 200 * 8);
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, 8), VectorMetric.Cosine);
        var none = new SearchOptions { Filter = RowFilter.FromIds([], 200) };
        Assert.Equal(0, search.Search(data.AsSpan(0, 8), 5, none).Count);
        Assert.Equal(0, search.SearchBatch(data.AsSpan(0, 16), 5, none)[1].Count);
    }

    [Fact]
    public void Bit_batch_search_returns_the_single_query_results()
    {
        var random = new Random(17);
        ulong[] data = TestData.Words(random, 100 * 3);
        var search = ExactSearch.Create(VectorMatrix.FromBits(data, 150), VectorMetric.Hamming);
        SearchResult[] batch = search.SearchBatch(data.AsSpan(30, 6), 4);
        Assert.Equal(2, batch.Length);
        Assert.Equal(search.Search(data.AsSpan(33, 3), 4).Ids, batch[1].Ids);
        Assert.Equal(11, batch[1].Ids[0]);
    }

    [Theory]
    [InlineData(1024, 5000, 11)]
    [InlineData(150, 3000, 6)]
    [InlineData(512, 4100, 4)]
    public void Bit_batch_search_equals_ranking_by_differing_bits_then_id_at_every_level(int bits, int rows, int queries)
    {
        var random = new Random(bits + rows + queries);
        int words = (bits + 63) / 64;
        // Few distinct rows, so many distances tie and the id order is tested too.
        ulong[] distinct = TestData.Words(random, 40 * words);
        if (bits % 64 != 0)
            for (int i = words - 1; i < distinct.Length; i += words) distinct[i] &= (1UL << (bits % 64)) - 1;
        var data = new ulong[rows * words];
        for (int r = 0; r < rows; r++) distinct.AsSpan(random.Next(40) * words, words).CopyTo(data.AsSpan(r * words));
        ulong[] query = TestData.Words(random, queries * words);
        if (bits % 64 != 0)
            for (int i = words - 1; i < query.Length; i += words) query[i] &= (1UL << (bits % 64)) - 1;
        var allowed = Enumerable.Range(0, rows).Where(r => r % 5 != 2).Select(r => (long)r).ToHashSet();
        var filter = RowFilter.FromIds(allowed, rows);
        long[] Expected(int q, bool filtered) => Enumerable.Range(0, rows)
            .Where(r => !filtered || allowed.Contains(r))
            .Select(r => (Id: (long)r, D: Enumerable.Range(0, words).Sum(w => System.Numerics.BitOperations.PopCount(data[r * words + w] ^ query[q * words + w]))))
            .OrderBy(t => t.D).ThenBy(t => t.Id).Take(25).Select(t => t.Id).ToArray();
        foreach (SimdLevel level in TestData.Levels())
        {
            var search = Create(VectorMatrix.FromBits(data, bits), VectorMetric.Hamming, level);
            SearchResult[] batch = search.SearchBatch(query, 25);
            SearchResult[] filteredBatch = search.SearchBatch(query, 25, new SearchOptions { Filter = filter });
            for (int q = 0; q < queries; q++)
            {
                Assert.Equal(Expected(q, false), batch[q].Ids);
                Assert.Equal(Expected(q, true), filteredBatch[q].Ids);
                Assert.Equal(batch[q].Ids, search.Search(query.AsSpan(q * words, words), 25).Ids);
            }
        }
    }

    [Fact]
    public void K_larger_than_the_set_returns_every_row_best_first()
    {
        float[] data = [1, 0, 0, 1, 1, 1];
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, 2), VectorMetric.InnerProduct);
        SearchResult result = search.Search([1f, 2f], int.MaxValue);
        Assert.Equal(new long[] { 2, 1, 0 }, result.Ids);
        Assert.Equal(new float[] { 3, 2, 1 }, result.Scores);
    }

    [Fact]
    public void Deduplication_drops_near_duplicates_of_better_results_and_counts_them()
    {
        const int dim = 4;
        float[] data =
        [
            1, 0, 0, 0,
            0.99f, 0.05f, 0, 0, // cosine ≈ 0.9987 with row 0, which ranks just below it
            0, 1, 0, 0,
            0.7f, 0.7f, 0, 0,   // cosine ≈ 0.707 with rows 0 and 2
            0, 0, 1, 0,
        ];
        var search = ExactSearch.Create(VectorMatrix.FromFloat32(data, dim), VectorMetric.InnerProduct);
        float[] query = [1, 0.5f, 0.1f, 0];
        SearchResult plain = search.Search(query, 3);
        Assert.Equal(new long[] { 3, 1, 0 }, plain.Ids);
        SearchResult deduped = search.Search(query, 3, new SearchOptions { DeduplicateAboveCosine = SearchOptions.DefaultDeduplicationCosine });
        Assert.Equal(new long[] { 3, 1, 2 }, deduped.Ids);
        Assert.Equal(1, deduped.DuplicatesDropped);
        Assert.Equal(0, plain.DuplicatesDropped);
    }

    [Fact]
    public void Int8_cosine_and_batch_search_equal_the_naive_reference()
    {
        var random = new Random(14);
        const int dim = 40, rows = 300;
        sbyte[] data = TestData.Int8s(random, rows * dim);
        sbyte[] queries = TestData.Int8s(random, 3 * dim);
        float[] dataF = data.Select(v => (float)v).ToArray();
        var search = ExactSearch.Create(VectorMatrix.FromInt8(data, dim), VectorMetric.Cosine);
        SearchResult[] batch = search.SearchBatch(queries, 8);
        for (int i = 0; i < 3; i++)
        {
            var expected = NaiveSearch.Run(dataF, dim, queries[(i * dim)..((i + 1) * dim)].Select(v => (float)v).ToArray(), VectorMetric.Cosine, 8);
            Assert.Equal(expected.Ids, batch[i].Ids);
            for (int j = 0; j < 8; j++) Assert.Equal(expected.Scores[j], batch[i].Scores[j], 4);
        }
    }

    [Fact]
    public void Deduplication_works_on_float16_rows_and_never_returns_more_than_k()
    {
        var random = new Random(15);
        const int dim = 32;
        float[] basis = TestData.Floats(random, 10 * dim);
        // Every base vector three times with a little noise: near-duplicates everywhere.
        float[] data = Enumerable.Range(0, 30).SelectMany(i => basis.AsSpan((i % 10) * dim, dim).ToArray().Select(v => v + (float)(random.NextDouble() - 0.5) * 0.01f)).ToArray();
        var search = ExactSearch.Create(VectorMatrix.FromFloat16(TestData.ToHalves(data), dim), VectorMetric.Cosine);
        SearchResult result = search.Search(basis.AsSpan(0, dim), 4, new SearchOptions { DeduplicateAboveCosine = 0.94f });
        Assert.Equal(4, result.Count);
        Assert.Equal(result.Ids.Length, result.Ids.Select(id => id % 10).Distinct().Count());
        Assert.True(result.DuplicatesDropped >= 2, $"the two twins of the best row should be dropped, {result.DuplicatesDropped} were");
    }

    [Fact]
    public void Concurrent_searches_on_one_instance_return_the_same_results_as_sequential_ones()
    {
        var random = new Random(19);
        const int dim = 48, rows = 3000;
        float[] data = TestData.Floats(random, rows * dim);
        float[][] queries = Enumerable.Range(0, 16).Select(_ => TestData.Floats(random, dim)).ToArray();
        var shared = ExactSearch.Create(VectorMatrix.FromFloat16(TestData.ToHalves(data), dim), VectorMetric.Cosine);
        var concurrent = new SearchResult[queries.Length];
        Parallel.For(0, queries.Length, i => concurrent[i] = shared.Search(queries[i], 7)); // the first searches race to compute the norms
        for (int i = 0; i < queries.Length; i++) Assert.Equal(shared.Search(queries[i], 7).Ids, concurrent[i].Ids);
    }

    [Fact]
    public void Recall_at_k_counts_shared_ids()
    {
        IReadOnlyList<IReadOnlyList<long>> truth = [new long[] { 1, 2, 3, 4 }, new long[] { 5, 6 }];
        IReadOnlyList<IReadOnlyList<long>> found = [new long[] { 2, 9, 1, 4 }, new long[] { 6, 5 }];
        Assert.Equal((0.5 + 1.0) / 2, Recall.AtK(found, truth, 2));
        Assert.Equal((0.75 + 1.0) / 2, Recall.AtK(found, truth, 4));
    }
}
