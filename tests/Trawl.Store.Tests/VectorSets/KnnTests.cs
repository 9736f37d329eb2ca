using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;
using Trawl.Store.VectorSets;

namespace Trawl.Store.Tests.VectorSets;

public sealed class KnnTests(VectorDataset data) : IClassFixture<VectorDataset>
{
    private const int D = VectorDataset.Dimension;

    /// <summary>Row ids best first by a plain double-precision scan, ties by smaller id.</summary>
    private static long[] NaiveIds(float[] set, ReadOnlySpan<float> query, int k, Func<long, bool> allowed, bool cosine = false)
    {
        var q = query.ToArray();
        var scored = new List<(double Score, long Id)>();
        for (long i = 0; i < set.Length / D; i++)
        {
            if (!allowed(i))
                continue;
            double dot = 0, nx = 0, nq = 0;
            for (int d = 0; d < D; d++)
            {
                dot += (double)q[d] * set[i * D + d];
                nx += (double)set[i * D + d] * set[i * D + d];
                nq += (double)q[d] * q[d];
            }
            scored.Add((cosine ? dot / Math.Sqrt(nx * nq) : dot, i));
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Id).Take(k).Select(s => s.Id).ToArray();
    }

    private static long[] Ids(KnnResult r) => r.Rows.Select(row => (long)row[0]!).ToArray();

    private static float[] RandomQuery(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, D).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void ListVectorSets_lists_the_registered_sets_by_name()
    {
        var sets = data.Dataset.ListVectorSets();
        Assert.Equal(["dups", "emb", "half"], sets.Select(s => s.Name));
        var emb = sets.Single(s => s.Name == "emb");
        Assert.Equal((VectorDataset.Table, Trawl.Vectors.VectorElementType.Float32, D, (long)VectorDataset.Count, Trawl.Vectors.VectorMetric.InnerProduct), (emb.Table, emb.ElementType, emb.Dimension, emb.Count, emb.Metric));
        Assert.Equal(VectorDataset.Count, data.Dataset.OpenVectorSet("emb").Header.Count);
        Assert.Same(data.Dataset.OpenVectorSet("emb"), data.Dataset.OpenVectorSet("EMB"));
    }

    [Fact]
    public void ChooseVectorSet_takes_the_named_set_or_the_only_one_else_names_them_all()
    {
        Assert.Equal("emb", data.Dataset.ChooseVectorSet("EMB").Name);
        Assert.Contains("no vector set 'nope' (vector sets: dups, emb, half)", Assert.Throws<UserErrorException>(() => data.Dataset.ChooseVectorSet("nope")).Message);
        var several = Assert.Throws<UserErrorException>(() => data.Dataset.ChooseVectorSet(null, null, "modality"));
        Assert.Contains("several vector sets; choose one with modality (dups, emb, half)", several.Message);
        Assert.Contains("table 'other'", Assert.Throws<UserErrorException>(() => data.Dataset.ChooseVectorSet(null, "other")).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Knn_by_vector_equals_a_naive_scan(int seed)
    {
        var query = RandomQuery(seed);
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = query, K = 15 });
        Assert.Equal(NaiveIds(data.Vectors, query, 15, _ => true), Ids(result));
        Assert.Equal(["rowid", .. GeneratedRows.Header], result.Columns);
        for (int i = 0; i < result.Rows.Count; i++)
        {
            long id = (long)result.Rows[i][0]!;
            Assert.Equal(data.Rows.Rows[(int)id][1], result.Rows[i][2]); // caption fetched by rowid
            double dot = 0;
            for (int d = 0; d < D; d++)
                dot += query[d] * data.Vectors[id * D + d];
            Assert.Equal(dot, result.Similarities[i], 3);
        }
    }

    [Fact]
    public void Knn_on_a_half_precision_cosine_set_equals_a_naive_cosine_scan()
    {
        var halves = data.Vectors.Select(v => (float)(Half)v).ToArray();
        var query = RandomQuery(9);
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "half", Vector = query, K = 10 });
        Assert.Equal(NaiveIds(halves, query, 10, _ => true, cosine: true), Ids(result));
        Assert.All(result.Similarities, s => Assert.InRange(s, -1.0001f, 1.0001f));
    }

    [Fact]
    public void Knn_by_row_uses_the_rows_vector_and_leaves_the_row_out()
    {
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 123, K = 10 });
        Assert.DoesNotContain(123L, Ids(result));
        Assert.Equal(NaiveIds(data.Vectors, data.Row(123), 10, id => id != 123), Ids(result));
    }

    [Fact]
    public void Knn_by_row_can_take_the_query_from_another_set_and_then_keeps_the_row()
    {
        var halfRow = data.Row(77).ToArray().Select(v => (float)(Half)v).ToArray();
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 77, RowVectorSet = "half", K = 10 });
        Assert.Equal(NaiveIds(data.Vectors, halfRow, 10, _ => true), Ids(result));
        Assert.Contains("no vector set 'nope'", Assert.Throws<UserErrorException>(() =>
            data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 1, RowVectorSet = "nope" })).Message);
    }

    [Fact]
    public void Knn_with_search_and_filter_returns_exactly_the_best_matching_rows()
    {
        var query = RandomQuery(4);
        var filter = new TableQuery
        {
            Table = VectorDataset.Table,
            Search = "cat",
            Filters = [new ColumnFilter("category", FilterOp.Exact, "beta")],
        };
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = query, K = 12, Filter = filter });
        bool Matches(long id) => GeneratedRows.HasWord((string)data.Rows.Rows[(int)id][1]!, "cat") && (string?)data.Rows.Rows[(int)id][2] == "beta";
        Assert.Equal(12, result.Rows.Count);
        Assert.All(Ids(result), id => Assert.True(Matches(id), $"row {id} does not match the filter"));
        Assert.Equal(NaiveIds(data.Vectors, query, 12, Matches), Ids(result));
    }

    [Fact]
    public void Knn_by_row_with_a_where_filter_matches_a_naive_filtered_scan()
    {
        var filter = new TableQuery { Table = VectorDataset.Table, Where = "score > 100" };
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Row = 5, K = 8, Filter = filter });
        bool Matches(long id) => data.Rows.Rows[(int)id][3] is long s && s > 100 && id != 5;
        Assert.Equal(NaiveIds(data.Vectors, data.Row(5), 8, Matches), Ids(result));
    }

    [Fact]
    public void Knn_with_a_filter_that_matches_nothing_returns_no_rows()
    {
        var filter = new TableQuery { Table = VectorDataset.Table, Search = "zebraword" };
        var result = data.Dataset.Knn(new KnnQuery { VectorSet = "emb", Vector = RandomQuery(5), Filter = filter });
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Knn_with_deduplication_drops_near_copies_and_reports_how_many()
    {
        var plain = data.Dataset.Knn(new KnnQuery { VectorSet = "dups", Row = 40, K = 6 });
        var deduped = data.Dataset.Knn(new KnnQuery { VectorSet = "dups", Row = 40, K = 6, Deduplicate = true });
        // Rows 41-43 are near copies of row 40: without dedupe they come first.
        Assert.Equal([41L, 42L, 43L], Ids(plain).Take(3).Order());
        Assert.Equal(0, plain.Dropped);
        Assert.True(deduped.Dropped > 0);
        var ids = Ids(deduped);
        Assert.Equal(ids.Length, ids.Select(id => id / 4).Distinct().Count());
    }

    [Fact]
    public void KnnBatch_with_a_filter_equals_one_query_at_a_time()
    {
        var filter = new TableQuery { Table = VectorDataset.Table, Filters = [new ColumnFilter("category", FilterOp.In, "alpha,gamma")] };
        var template = new KnnQuery { VectorSet = "half", K = 9, Filter = filter };
        var queries = Enumerable.Range(20, 6).Select(RandomQuery).ToArray();
        var batch = data.Dataset.KnnBatch(template, queries.SelectMany(q => q).ToArray()).Results;
        Assert.Equal(queries.Length, batch.Count);
        for (int i = 0; i < queries.Length; i++)
        {
            var single = data.Dataset.Knn(template with { Vector = queries[i] });
            Assert.Equal(Ids(single), batch[i].Ids);
            Assert.All(batch[i].Ids, id => Assert.Contains((string?)data.Rows.Rows[(int)id][2], new[] { "alpha", "gamma" }));
        }
        Assert.Throws<UserErrorException>(() => data.Dataset.KnnBatch(template, new float[D + 1]));
        Assert.Throws<UserErrorException>(() => data.Dataset.KnnBatch(template with { Row = 1 }, new float[D]));
    }

    [Fact]
    public void Bad_queries_are_user_errors_with_clear_messages()
    {
        var ds = data.Dataset;
        Assert.Contains("dimension 24", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Vector = new float[5] })).Message);
        var nan = RandomQuery(1);
        nan[3] = float.NaN;
        Assert.Contains("component 3", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Vector = nan })).Message);
        Assert.Contains("k must be", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Row = 1, K = 0 })).Message);
        Assert.Contains("no vector set 'nope'", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "nope", Row = 1 })).Message);
        Assert.Contains("no row 800", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Row = 800 })).Message);
        Assert.Contains("no row -1", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Row = -1 })).Message);
        Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb" }));
        Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery { VectorSet = "emb", Row = 1, Vector = RandomQuery(1) }));
        Assert.Contains("no column", Assert.Throws<UserErrorException>(() => ds.Knn(new KnnQuery
        {
            VectorSet = "emb", Row = 1, Filter = new TableQuery { Table = VectorDataset.Table, Filters = [new ColumnFilter("nope", FilterOp.Exact, "x")] },
        })).Message);
    }
}
