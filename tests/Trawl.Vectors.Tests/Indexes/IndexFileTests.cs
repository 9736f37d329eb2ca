using Trawl.Vectors.Indexes;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Tests.Indexes;

public sealed class IndexFileTests : IDisposable
{
    private const int Rows = 600, Dimension = 16;
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-index-files-").FullName;
    private readonly string _setPath;
    private readonly float[] _vectors = ClusteredVectors.Generate(12, Rows, Dimension, clusters: 10);

    public IndexFileTests()
    {
        _setPath = Path.Combine(_dir, "set.f32");
        using var writer = VectorSetWriter.Create(_setPath, VectorElementType.Float32, Dimension);
        writer.Append(_vectors);
        writer.Complete();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Build(string factory, VectorMetric metric = VectorMetric.Cosine)
    {
        string path = Path.Combine(_dir, factory.Replace(',', '_') + $".{metric}.idx");
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        using IVectorIndex index = VectorIndexFactory.Create(factory, set, metric);
        index.Build();
        index.Save(path);
        return path;
    }

    private static void Search(IVectorIndex index)
    {
        var ids = new long[10 * 5];
        index.Search(ClusteredVectors.Generate(99, 5, Dimension), 10, ids, new float[ids.Length]);
    }

    [Theory]
    [InlineData("HNSW8")]
    [InlineData("HNSW8,SQ8")]
    [InlineData("IVF8,PQ4,Refine")]
    [InlineData("Flat")]
    public void Every_truncation_is_refused_with_a_format_error(string factory)
    {
        byte[] bytes = File.ReadAllBytes(Build(factory));
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string cut = Path.Combine(_dir, "cut.idx");
        var lengths = new SortedSet<int> { 0, 1, 8, 63, 64, 65, bytes.Length - 17, bytes.Length - 16, bytes.Length - 1 };
        for (int n = 0; n < bytes.Length; n += Math.Max(1, bytes.Length / 97)) lengths.Add(n);
        foreach (int length in lengths.Where(l => l >= 0 && l < bytes.Length))
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(cut, set));
            Assert.Contains("cut.idx", error.Message);
        }
    }

    [Theory]
    [InlineData("HNSW8")]
    [InlineData("HNSW8,SQ8")]
    [InlineData("IVF8,PQ4,Refine")]
    public void A_changed_byte_anywhere_is_refused_when_checksums_are_verified(string factory)
    {
        byte[] bytes = File.ReadAllBytes(Build(factory));
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string altered = Path.Combine(_dir, "altered.idx");
        var random = new Random(3);
        int refused = 0, tried = 0;
        for (int position = 0; position < bytes.Length; position += 1 + random.Next(bytes.Length / 60))
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[position] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(altered, copy);
            tried++;
            try
            {
                using IVectorIndex index = VectorIndexFactory.Open(altered, set, verifyChecksums: true);
                // Alignment padding between sections is covered by no checksum and changes nothing.
                Search(index);
            }
            catch (VectorFormatException)
            {
                refused++;
            }
        }
        Assert.True(refused > tried / 2, $"{refused} of {tried} altered files refused");
    }

    [Fact]
    public void Corrupt_graph_links_fail_with_a_format_error_not_a_crash_when_unverified()
    {
        string path = Build("HNSW8", VectorMetric.L2);
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string altered = Path.Combine(_dir, "links.idx");
        // Overwrite a stretch of the level-0 link array with large ids.
        Corrupt(path, altered, "LNK0", 0x7f);
        Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(altered, set));
        // Skipping the small-section checksums leaves the walk's own bounds checks to catch it.
        var error = Assert.Throws<VectorFormatException>(() =>
        {
            using IVectorIndex index = VectorIndexFactory.Open(altered, set.Matrix, set.Header.DataChecksum, verifyChecksums: false, checkSmallSections: false);
            for (int i = 0; i < 20; i++) Search(index);
        });
        Assert.Contains("graph is corrupt", error.Message);
    }

    [Fact]
    public void Corrupt_node_levels_are_refused_when_the_graph_is_opened_unverified()
    {
        // Rows 600, M 8: about 75 nodes sit above level 0, so zeroing a third of the levels leaves
        // upper-level links to level-0 nodes (or a demoted entry point), which the open must refuse.
        string path = Build("HNSW8", VectorMetric.L2);
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string altered = Path.Combine(_dir, "levels.idx");
        Corrupt(path, altered, "LEVL", 0);
        var error = Assert.Throws<VectorFormatException>(() =>
            VectorIndexFactory.Open(altered, set.Matrix, set.Header.DataChecksum, verifyChecksums: false, checkSmallSections: false).Dispose());
        Assert.Contains("graph is corrupt", error.Message);
    }

    [Fact]
    public void Corrupt_graph_links_are_refused_at_open_before_any_search()
    {
        string path = Build("HNSW8", VectorMetric.L2);
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string altered = Path.Combine(_dir, "links-open.idx");
        Corrupt(path, altered, "LNK0", 0x7f);
        var error = Assert.Throws<VectorFormatException>(() =>
            VectorIndexFactory.Open(altered, set.Matrix, set.Header.DataChecksum, verifyChecksums: false, checkSmallSections: false).Dispose());
        Assert.Contains("graph is corrupt", error.Message);
    }

    [Fact]
    public void Corrupt_list_ids_fail_with_a_format_error_not_a_crash_when_unverified()
    {
        string path = Build("IVF8,PQ4,Refine", VectorMetric.L2);
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        string altered = Path.Combine(_dir, "ids.idx");
        Corrupt(path, altered, "LIDS", 0x7f);
        Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(altered, set));
        var error = Assert.Throws<VectorFormatException>(() =>
        {
            using IVectorIndex index = VectorIndexFactory.Open(altered, set.Matrix, set.Header.DataChecksum, verifyChecksums: false, checkSmallSections: false);
            var ids = new long[10 * 5];
            index.Search(ClusteredVectors.Generate(99, 5, Dimension), 10, ids, new float[ids.Length], new IndexSearchOptions { NProbe = 8 });
        });
        Assert.Contains("outside", error.Message);
    }

    /// <summary>Copies an index file with the middle third of one section overwritten.</summary>
    private static void Corrupt(string path, string altered, string tag, byte value)
    {
        (long offset, long length) = ReadRange(path, tag);
        byte[] bytes = File.ReadAllBytes(path);
        for (long i = offset + length / 3; i < offset + 2 * length / 3; i++) bytes[i] = value;
        File.WriteAllBytes(altered, bytes);
    }

    private static (long, long) ReadRange(string path, string tag)
    {
        using var reader = Trawl.Vectors.Indexes.Files.IndexFileReader.Open(path);
        return reader.SectionRange(tag);
    }

    [Fact]
    public void An_index_whose_vector_set_changed_is_refused()
    {
        string path = Build("HNSW8");
        float[] changed = (float[])_vectors.Clone();
        changed[5] += 0.25f;
        using (var writer = VectorSetWriter.Create(_setPath, VectorElementType.Float32, Dimension))
        {
            writer.Append(changed);
            writer.Complete();
        }
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        var error = Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(path, set));
        Assert.Contains("rebuild the index", error.Message);
    }

    [Fact]
    public void An_index_opened_over_a_set_of_another_shape_is_refused()
    {
        string path = Build("IVF8,PQ4");
        VectorMatrix other = VectorMatrix.FromFloat32(new float[Rows * 8], 8);
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        var error = Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(path, other, set.Header.DataChecksum));
        Assert.Contains("× 8", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_refused_by_its_magic()
    {
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        var error = Assert.Throws<VectorFormatException>(() => VectorIndexFactory.Open(_setPath, set));
        Assert.Contains("TRWLIDX1", error.Message);
    }

    [Fact]
    public void Opened_indexes_search_like_the_built_ones()
    {
        using VectorSetFile set = VectorSetFile.Open(_setPath);
        foreach (string factory in new[] { "HNSW8", "IVF8,PQ4,Refine" })
        {
            using IVectorIndex built = VectorIndexFactory.Create(factory, set, VectorMetric.Cosine);
            built.Build();
            string path = Path.Combine(_dir, "again.idx");
            built.Save(path);
            using IVectorIndex opened = VectorIndexFactory.Open(path, set);
            float[] q = ClusteredVectors.Generate(98, 3, Dimension);
            Assert.Equal(built.SearchBatch(q, 5).Select(r => r.Ids), opened.SearchBatch(q, 5).Select(r => r.Ids));
        }
    }
}
