using Trawl.Vectors.Indexes;
using Trawl.Vectors.Indexes.IvfPq;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Tests.Indexes;

/// <summary>The batched search path (lists chosen by one matrix product per block of queries) against the per-query path, and its kernels.</summary>
public class IvfPqSearchPathTests(IvfPqFixture fixture) : IClassFixture<IvfPqFixture>
{
    private const int K = IvfPqFixture.K;

    private static (long[] Ids, float[] Scores) Run(IVectorIndex index, float[] queries, IndexSearchOptions options)
    {
        int count = queries.Length / index.Dimension;
        var ids = new long[count * K];
        var scores = new float[ids.Length];
        index.Search(queries, K, ids, scores, options);
        return (ids, scores);
    }

    private static RowFilter Everything(long rows) => RowFilter.FromIds(Enumerable.Range(0, (int)rows).Select(i => (long)i), rows);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 8)]
    [InlineData(16, 32)]
    public void Batch_path_matches_the_per_query_path(int nprobe, int refine)
    {
        // A filter that allows every row sends each query through the per-query path (its own list ranking).
        var batch = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine });
        var single = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine, Filter = Everything(IvfPqFixture.Rows) });
        Assert.Equal(single.Ids, batch.Ids);
        for (int i = 0; i < batch.Scores.Length; i++) Assert.Equal(single.Scores[i], batch.Scores[i], 3);
    }

    [Fact]
    public void Batches_longer_than_one_block_match_the_per_query_path()
    {
        // 2,600 queries: three blocks of lists chosen together (1,024, 1,024 and 552), each query still its own answer.
        float[] many = new float[2600 * IvfPqFixture.Dimension];
        for (int i = 0; i < 13; i++) fixture.Queries.CopyTo(many, i * fixture.Queries.Length);
        var options = new IndexSearchOptions { NProbe = 4, RefineFactor = 4 };
        var batch = Run(fixture.Index, many, options);
        var single = Run(fixture.Index, many, new IndexSearchOptions { NProbe = 4, RefineFactor = 4, Filter = Everything(IvfPqFixture.Rows) });
        Assert.Equal(single.Ids, batch.Ids);
        // The same query in every block gets the same answer.
        for (int q = IvfPqFixture.QueryCount; q < 2600; q++)
            Assert.Equal(batch.Ids.AsSpan(q % IvfPqFixture.QueryCount * K, K).ToArray(), batch.Ids.AsSpan(q * K, K).ToArray());
    }

    [Fact]
    public void Batch_path_matches_the_per_query_path_for_inner_product_without_refine()
    {
        const int rows = 8000, dim = 48, queries = 120;
        float[] vectors = ClusteredVectors.Generate(seed: 12, rows + queries, dim, clusters: 40, spread: 1f);
        VectorMatrix data = VectorMatrix.FromFloat32(vectors.AsSpan(0, rows * dim), dim);
        float[] q = vectors.AsSpan(rows * dim).ToArray();
        using IVectorIndex index = VectorIndexFactory.Create("IVF32,PQ12", data, VectorMetric.InnerProduct, new IndexBuildOptions { Seed = 2 });
        index.Build();
        var batch = Run(index, q, new IndexSearchOptions { NProbe = 4 });
        var single = Run(index, q, new IndexSearchOptions { NProbe = 4, Filter = Everything(rows) });
        int same = batch.Ids.Zip(single.Ids).Count(p => p.First == p.Second);
        // Centroid products come from different kernels (blocked vs one row), so a near tie may rank one list differently.
        Assert.True(same >= batch.Ids.Length * 0.99, $"{same} of {batch.Ids.Length} ids agree");
        for (int i = 0; i < batch.Scores.Length; i++)
            if (batch.Ids[i] == single.Ids[i]) Assert.Equal(single.Scores[i], batch.Scores[i], 3);
    }

    [Fact]
    public void One_thread_and_two_threads_give_identical_results()
    {
        var one = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = 8, Threads = 1 });
        var two = Run(fixture.Index, fixture.Queries, new IndexSearchOptions { NProbe = 8, Threads = 2 });
        Assert.Equal(one.Ids, two.Ids);
        Assert.Equal(one.Scores, two.Scores);
    }

    [Fact]
    public void Batch_path_refuses_a_ragged_query_buffer_and_short_result_buffers()
    {
        Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[IvfPqFixture.Dimension + 1], K, new long[2 * K], new float[2 * K]));
        Assert.Throws<ArgumentException>(() => fixture.Index.Search(new float[2 * IvfPqFixture.Dimension], K, new long[K], new float[2 * K]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Index.Search(new float[IvfPqFixture.Dimension], K, new long[K], new float[K], new IndexSearchOptions { NProbe = 0 }));
        var bad = new float[IvfPqFixture.Dimension];
        bad[3] = float.NaN;
        Assert.Contains("component 3", Assert.Throws<ArgumentException>(() => fixture.Index.Search(bad, K, new long[K], new float[K])).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(13)]
    [InlineData(64)]
    public unsafe void Code_sum_matches_a_plain_loop(int m)
    {
        var random = new Random(m);
        float[] table = TestData.SmallIntegers(random, m * ProductQuantizer.Centroids, max: 50);
        var codes = new byte[m * 20];
        random.NextBytes(codes);
        fixed (float* t = table)
        fixed (byte* c = codes)
            for (int row = 0; row < 20; row++)
            {
                float expected = 0;
                for (int j = 0; j < m; j++) expected += table[j * ProductQuantizer.Centroids + codes[row * m + j]];
                Assert.Equal(expected, PqScan.Sum(c + row * m, t, m));
            }
    }

    [Fact]
    public void Spherical_k_means_gives_unit_length_centroids_and_plain_k_means_does_not()
    {
        const int n = 3000, dim = 16, k = 12;
        float[] points = ClusteredVectors.Generate(seed: 4, n, dim, clusters: 12, spread: 0.5f);
        int[] Nearest(float[] c, int[] assignment)
        {
            for (int i = 0; i < n; i++)
            {
                float best = float.MaxValue;
                for (int j = 0; j < k; j++)
                {
                    float d2 = 0;
                    for (int d = 0; d < dim; d++) d2 += MathF.Pow(points[i * dim + d] - c[j * dim + d], 2);
                    if (d2 < best) (best, assignment[i]) = (d2, j);
                }
            }
            return assignment;
        }
        float[] spherical = KMeans.Train(points, n, dim, k, 5, 1, (c, a) => Nearest(c, a), spherical: true);
        float[] plain = KMeans.Train(points, n, dim, k, 5, 1, (c, a) => Nearest(c, a));
        double Norm(float[] c, int j) => Math.Sqrt(c.AsSpan(j * dim, dim).ToArray().Sum(v => (double)v * v));
        for (int j = 0; j < k; j++) Assert.Equal(1.0, Norm(spherical, j), 4);
        Assert.Contains(Enumerable.Range(0, k), j => Math.Abs(Norm(plain, j) - 1) > 0.01);
    }
}

/// <summary>The byte-table block scan (AVX-512 VBMI) against the float scan and its scalar reference.</summary>
public class IvfPqFastScanTests(IvfPqFixture fixture) : IClassFixture<IvfPqFixture>
{
    private const int K = IvfPqFixture.K;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(300)]
    public unsafe void Vbmi_block_estimate_matches_the_scalar_reference(int m)
    {
        var random = new Random(m);
        var table = new byte[m * ProductQuantizer.Centroids];
        var block = new byte[m * PqFastScan.Block];
        random.NextBytes(block);
        int level = PqFastScan.MaxLevel(m);
        for (int i = 0; i < table.Length; i++) table[i] = (byte)random.Next(level + 1);
        var fast = new ushort[PqFastScan.Block];
        var slow = new ushort[PqFastScan.Block];
        fixed (byte* t = table, b = block)
        fixed (ushort* f = fast, s = slow)
        {
            PqFastScan.EstimateScalar(b, t, m, s);
            for (int r = 0; r < PqFastScan.Block; r++)
            {
                int sum = 0;
                for (int j = 0; j < m; j++) sum += table[j * ProductQuantizer.Centroids + block[j * PqFastScan.Block + r]];
                Assert.Equal(sum, s[r]);
            }
            if (!PqFastScan.IsSupported) return; // no VBMI here: the scalar reference is what searches use
            PqFastScan.Estimate(b, t, m, f);
        }
        Assert.Equal(slow, fast);
    }

    [Fact]
    public unsafe void Quantised_sums_stay_within_half_a_unit_per_sub_space_of_the_float_sums()
    {
        const int m = 16;
        var random = new Random(3);
        float[] table = TestData.Floats(random, m * ProductQuantizer.Centroids, scale: 7f);
        var bytes = new byte[table.Length];
        var codes = new byte[m];
        fixed (float* t = table)
        fixed (byte* q = bytes)
        {
            Assert.True(PqFastScan.Quantize(t, m, q, out float scale, out float offset));
            for (int trial = 0; trial < 200; trial++)
            {
                random.NextBytes(codes);
                double exact = 0;
                int units = 0;
                for (int j = 0; j < m; j++)
                {
                    exact += table[j * ProductQuantizer.Centroids + codes[j]];
                    units += bytes[j * ProductQuantizer.Centroids + codes[j]];
                }
                Assert.InRange(units / scale + offset - exact, -(m * 0.5 + 0.01) / scale, (m * 0.5 + 0.01) / scale);
            }
        }
    }

    [Fact]
    public unsafe void A_table_with_infinite_entries_has_no_byte_form()
    {
        var table = new float[2 * ProductQuantizer.Centroids];
        table[5] = float.PositiveInfinity;
        var bytes = new byte[table.Length];
        fixed (float* t = table)
        fixed (byte* q = bytes)
            Assert.False(PqFastScan.Quantize(t, 2, q, out _, out _));
    }

    private static (long[] Ids, float[] Scores) Run(IVectorIndex index, float[] queries, IndexSearchOptions options, bool fast)
    {
        ((IvfPqIndex)index).FastScan = fast;
        try
        {
            var ids = new long[queries.Length / index.Dimension * K];
            var scores = new float[ids.Length];
            index.Search(queries, K, ids, scores, options);
            return (ids, scores);
        }
        finally
        {
            ((IvfPqIndex)index).FastScan = PqFastScan.IsSupported;
        }
    }

    [Theory]
    [InlineData(VectorMetric.L2, 1, 40)]
    [InlineData(VectorMetric.L2, 8, 40)]
    [InlineData(VectorMetric.InnerProduct, 1, 40)]
    [InlineData(VectorMetric.InnerProduct, 16, 40)]
    [InlineData(VectorMetric.Cosine, 4, 40)]
    [InlineData(VectorMetric.InnerProduct, 1, 300)]
    public void Fast_scan_returns_exactly_what_the_float_scan_returns(VectorMetric metric, int refine, int nlist)
    {
        const int rows = 9000, dim = 48, queries = 150;
        float[] vectors = ClusteredVectors.Generate(seed: 21, rows + queries, dim, clusters: 50, spread: 1f);
        VectorMatrix data = VectorMatrix.FromFloat32(vectors.AsSpan(0, rows * dim), dim);
        float[] q = vectors.AsSpan(rows * dim).ToArray();
        // 40 lists over 9,000 rows: lengths are not multiples of the 64-row block; 300 lists: most hold less than one block.
        using IVectorIndex index = VectorIndexFactory.Create($"IVF{nlist},PQ12,Refine", data, metric, new IndexBuildOptions { Seed = 5 });
        index.Build();
        foreach (int nprobe in new[] { 1, 6 })
        {
            var options = new IndexSearchOptions { NProbe = nprobe, RefineFactor = refine };
            var fast = Run(index, q, options, fast: true);
            var slow = Run(index, q, options, fast: false);
            Assert.Equal(slow.Ids, fast.Ids);
            Assert.Equal(slow.Scores, fast.Scores);
        }
    }

    [Fact]
    public void Fast_scan_matches_the_float_scan_on_the_shared_index_with_a_filter()
    {
        var random = new Random(8);
        RowFilter filter = RowFilter.FromIds(Enumerable.Range(0, IvfPqFixture.Rows).Where(_ => random.NextDouble() < 0.5).Select(i => (long)i), IvfPqFixture.Rows);
        var options = new IndexSearchOptions { NProbe = 3, RefineFactor = 1, Filter = filter };
        var fast = Run(fixture.Index, fixture.Queries, options, fast: true);
        var slow = Run(fixture.Index, fixture.Queries, options, fast: false);
        Assert.Equal(slow.Ids, fast.Ids);
        Assert.Equal(slow.Scores, fast.Scores);
    }
}

/// <summary>Files from before the blocked code layout.</summary>
public class IvfPqFileLayoutTests
{
    [Fact]
    public unsafe void A_file_with_the_old_four_value_parameters_is_refused_with_a_rebuild_hint()
    {
        const int rows = 300, dim = 8, nlist = 4, m = 2;
        VectorMatrix data = VectorMatrix.FromFloat32(ClusteredVectors.Generate(3, rows, dim), dim);
        string path = Path.Combine(Path.GetTempPath(), $"trawl-ivfpq-old-{Guid.NewGuid():N}.idx");
        try
        {
            // The layout every IVF-PQ file had before: PARM (nlist, m, nprobe, refine), codes row by row.
            var writer = new Trawl.Vectors.Indexes.Files.IndexFileWriter();
            long[] parameters = [nlist, m, 2, 8];
            writer.Add("PARM", parameters, parameters.Length);
            writer.Add("CENT", new float[nlist * dim], nlist * dim);
            writer.Add("PQCB", new float[dim * 256], dim * 256);
            var offsets = new long[nlist + 1];
            for (int l = 1; l <= nlist; l++) offsets[l] = l * rows / nlist;
            writer.Add("LOFF", offsets, offsets.Length);
            writer.Add("LIDS", Enumerable.Range(0, rows).ToArray(), rows);
            writer.Add("CODE", new byte[rows * m], rows * m);
            writer.Write(path, new Trawl.Vectors.Indexes.Files.IndexFileHeader("IVPQ", VectorMetric.L2, VectorElementType.Float32, dim, 0, rows, rows, 0, 0), $"IVF{nlist},PQ{m}");
            var error = Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(path, data, 0));
            Assert.Contains("older Trawl", error.Message);
            Assert.Contains("rebuild", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
