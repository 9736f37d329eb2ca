using Trawl.Vectors.Indexes;
using Trawl.Vectors.Indexes.Hnsw;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Tests.Indexes;

public class WarmUpTests(HnswFixture fixture) : IClassFixture<HnswFixture>
{
    private const int K = HnswFixture.K;

    [Theory]
    [InlineData(WarmUpMode.None)]
    [InlineData(WarmUpMode.Advise)]
    [InlineData(WarmUpMode.Populate)]
    public void Warm_up_of_an_opened_index_leaves_results_unchanged_and_reports_what_it_did(WarmUpMode mode)
    {
        string path = Path.Combine(Path.GetTempPath(), $"trawl-warm-{Guid.NewGuid():N}.idx");
        try
        {
            fixture.Index.Save(path);
            using IVectorIndex opened = VectorIndexFactory.Open(path, fixture.Data, 0);
            var options = new IndexSearchOptions { Ef = 40 };
            var before = new long[HnswFixture.QueryCount * K];
            fixture.Index.Search(fixture.Queries, K, before, new float[before.Length], options);

            WarmUpReport report = opened.WarmUp(mode);

            var after = new long[before.Length];
            opened.Search(fixture.Queries, K, after, new float[after.Length], options);
            Assert.Equal(before, after);
            Assert.Equal(mode, report.Mode);
            long dataBytes = fixture.Data.Rows * fixture.Data.RowBytes, fileBytes = new FileInfo(path).Length;
            var hnsw = (HnswIndex)opened;
            long upper = Enumerable.Range(0, HnswFixture.Rows).Count(n => hnsw.LevelOf(n) > 0);
            Assert.InRange(upper, 1, HnswFixture.Rows / 4);
            Assert.Equal(mode == WarmUpMode.None ? 0 : upper, report.UpperLevelNodes);
            Assert.Equal(mode == WarmUpMode.Populate ? fileBytes + dataBytes : 0, report.PopulatedBytes);
            if (OperatingSystem.IsLinux()) Assert.Equal(mode == WarmUpMode.None ? 0 : fileBytes + dataBytes, report.AdvisedBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_cancelled_population_stops_with_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => fixture.Index.WarmUp(WarmUpMode.Populate, cancel.Token));
    }

    [Fact]
    public void Population_of_a_mapped_vector_file_covers_every_byte_and_the_page_touch_reads_the_same_bytes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"trawl-warm-{Guid.NewGuid():N}.f32");
        try
        {
            // 20,000 × 64 f32 rows after a header: many pages, and the data does not start on a page boundary.
            using (var writer = VectorSetWriter.Create(path, VectorElementType.Float32, HnswFixture.Dimension, VectorMetric.Cosine))
            {
                writer.Append(fixture.Vectors.AsSpan(0, HnswFixture.Rows * HnswFixture.Dimension));
                writer.Complete();
            }
            using var set = VectorSetFile.Open(path);
            long bytes = set.Matrix.Rows * set.Matrix.RowBytes;
            Assert.Equal(bytes, MappedMemory.Populate(set.Matrix.Address, bytes));
            Assert.Equal(0, MappedMemory.Populate(set.Matrix.Address, 0));
            // The portable fallback reads one byte per page and the last: the same sum as reading them one by one.
            int page = Environment.SystemPageSize, expected = 0;
            unsafe
            {
                byte* p = (byte*)set.Matrix.Address;
                for (long o = 0; o < bytes; o += page) expected += p[o];
                expected += p[bytes - 1];
            }
            Assert.Equal(expected, MappedMemory.Touch(set.Matrix.Address, bytes));
            Assert.Equal(OperatingSystem.IsLinux(), MappedMemory.Advise(set.Matrix.Address + 3, bytes - 3));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
