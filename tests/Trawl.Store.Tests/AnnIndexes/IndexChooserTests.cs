using Trawl.Store.AnnIndexes;

namespace Trawl.Store.Tests.AnnIndexes;

public sealed class IndexChooserTests
{
    private const long G = 1L << 30, M = 1L << 20;

    [Fact]
    public void Small_sets_get_exact_search()
    {
        var choice = IndexChooser.Choose(5_000, 768, 2, 4 * G);
        Assert.Equal("Flat", choice.Factory);
        Assert.Equal(5_000L * 768 * 2, choice.EstimatedBytes);
    }

    [Fact]
    public void Largest_hnsw_whose_vectors_and_links_fit_is_chosen()
    {
        // 1M × 768 f16: vectors 1,536 MB; HNSW32 links 1M × 32×2×4×1.1 = 281.6 MB.
        Assert.Equal("HNSW32", IndexChooser.Choose(1_000_000, 768, 2, 4 * G).Factory);
        long hnsw32 = IndexChooser.HnswBytes(1_000_000, 768, 2, 32);
        long hnsw16 = IndexChooser.HnswBytes(1_000_000, 768, 2, 16);
        Assert.Equal((long)Math.Ceiling(1_000_000 * (768 * 2 + 32 * 2 * 4 * 1.1)), hnsw32);
        Assert.Equal("HNSW32", IndexChooser.Choose(1_000_000, 768, 2, hnsw32).Factory);
        Assert.Equal("HNSW16", IndexChooser.Choose(1_000_000, 768, 2, hnsw32 - 1).Factory);
        Assert.Equal("HNSW8", IndexChooser.Choose(1_000_000, 768, 2, hnsw16 - 1).Factory);
    }

    [Fact]
    public void Float32_vectors_need_twice_the_memory_of_float16()
    {
        long budget = IndexChooser.HnswBytes(1_000_000, 768, 2, 32);
        // The f32 vectors no longer fit beside the graph; the graph and an int8 copy do.
        Assert.Equal("HNSW32,SQ8", IndexChooser.Choose(1_000_000, 768, 4, budget).Factory);
    }

    [Fact]
    public void Hnsw_over_an_int8_copy_comes_between_plain_hnsw_and_ivfpq()
    {
        // 10M × 768 f16 (15.4 GB of vectors): HNSW8 with the vectors needs 16 GB; HNSW32,SQ8 10M × (768 + 32×2×4×1.1) = 9.8 GiB,
        // HNSW16,SQ8 8.5 GiB, HNSW8,SQ8 7.8 GiB: the 8G gets HNSW8,SQ8.
        long sq16 = IndexChooser.HnswSq8Bytes(10_000_000, 768, 16);
        Assert.Equal((long)Math.Ceiling(10_000_000 * (768 + 16 * 2 * 4 * 1.1)), sq16);
        Assert.Equal("HNSW32,SQ8", IndexChooser.Choose(10_000_000, 768, 2, 12 * G).Factory);
        Assert.Equal("HNSW16,SQ8", IndexChooser.Choose(10_000_000, 768, 2, 9 * G).Factory);
        Assert.Equal("HNSW8,SQ8", IndexChooser.Choose(10_000_000, 768, 2, 8 * G).Factory);
        Assert.Equal("HNSW16,SQ8", IndexChooser.Choose(10_000_000, 768, 2, sq16).Factory);
        Assert.Equal("HNSW8,SQ8", IndexChooser.Choose(10_000_000, 768, 2, sq16 - 1).Factory);
        var ivf = IndexChooser.Choose(10_000_000, 768, 2, IndexChooser.HnswSq8Bytes(10_000_000, 768, 8) - 1);
        Assert.StartsWith("IVF16384,PQ", ivf.Factory);
        Assert.Contains("HNSW8,SQ8 needs", ivf.Reason);
        var factory = Trawl.Vectors.Indexes.IndexSpec.Parse(IndexChooser.Choose(10_000_000, 768, 2, 9 * G).Factory);
        Assert.True(factory.Sq8);
    }

    [Fact]
    public void Too_little_memory_for_any_hnsw_gives_ivfpq_with_the_largest_codes_that_fit()
    {
        var choice = IndexChooser.Choose(10_000_000, 768, 2, 4 * G);
        // 4·√10M ≈ 12,649 → 2^14 = 16,384 lists; 4 GiB / 10M ≈ 429 bytes per vector → PQ128 (128 + 4 id bytes, ×1.1).
        Assert.Equal("IVF16384,PQ128,Refine", choice.Factory);
        Assert.True(choice.EstimatedBytes <= 4 * G);

        var tight = IndexChooser.Choose(10_000_000, 768, 2, 500 * M);
        Assert.Equal("IVF16384,PQ32,Refine", tight.Factory);
        Assert.True(tight.EstimatedBytes <= 500 * M);
        Assert.True(IndexChooser.IvfPqBytes(10_000_000, 768, 16384, 48) > 500 * M);
    }

    [Fact]
    public void Pq_size_always_divides_the_dimension()
    {
        var choice = IndexChooser.Choose(5_000_000, 100, 4, 400 * M);
        var spec = Trawl.Vectors.Indexes.IndexSpec.Parse(choice.Factory);
        Assert.Equal(0, 100 % spec.SubQuantizers);
        Assert.True(spec.SubQuantizers <= 50);
    }

    [Theory]
    [InlineData(1_000_000, 4096)]
    [InlineData(100_000, 1024)]
    [InlineData(25_000, 512)]
    [InlineData(1_000, 16)]
    [InlineData(20, 1)]
    public void List_count_is_near_four_root_n_with_rows_to_train_each(long rows, int expected)
    {
        Assert.Equal(expected, IndexChooser.NListFor(rows));
        Assert.True(expected == 1 || rows / expected >= 39);
    }

    [Fact]
    public void Budget_below_the_smallest_index_is_a_user_error_naming_what_is_needed()
    {
        var e = Assert.Throws<UserErrorException>(() => IndexChooser.Choose(100_000_000, 768, 2, 100 * M));
        Assert.Contains("too small", e.Message);
        Assert.Contains("needs about", e.Message);
    }

    [Theory]
    [InlineData("4G", 4L << 30)]
    [InlineData("4GB", 4L << 30)]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("512m", 512L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("64K", 64L << 10)]
    [InlineData("100000", 100000)]
    [InlineData(" 2 T ", 2L << 40)]
    public void Memory_sizes_are_read_with_binary_units(string text, long expected) => Assert.Equal(expected, MemoryBudget.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("-1G")]
    [InlineData("4X")]
    [InlineData("0")]
    [InlineData("1.2.3G")]
    [InlineData("99999999999T")]
    public void Unreadable_memory_sizes_are_user_errors(string text) =>
        Assert.Contains("memory size", Assert.Throws<UserErrorException>(() => MemoryBudget.Parse(text)).Message);
}
