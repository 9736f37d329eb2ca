using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;

namespace Trawl.Cli.Tests;

public sealed class KnnDemoEmbeddingTests(KnnDemoFixture demo) : IClassFixture<KnnDemoFixture>
{
    /// <summary>Longer words only, so "a", "in", "the" never count as shared.</summary>
    private static HashSet<string> Words(string? text) =>
        (text ?? "").Split([' ', ',', '.', '-', ':', '!', '?', '(', ')', '"', '\'', '<', '>', '/'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length >= 4).Select(w => w.ToLowerInvariant()).ToHashSet();

    [Fact]
    public void Demo_neighbours_share_caption_words_far_more_often_than_random_rows()
    {
        using var ds = Dataset.Open(demo.Dataset);
        var captions = ds.StreamRows(new Trawl.Store.Queries.TableQuery { Table = "laion_sample" }, out var columns)
            .ToDictionary(r => (long)r[0]!, r => Words(r[columns.ToList().IndexOf("TEXT")] as string));
        var rng = new Random(17);
        int neighbourShares = 0, randomShares = 0, pairs = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            long row = rng.NextInt64(captions.Count);
            var result = ds.Knn(new KnnQuery { VectorSet = "image", Row = row, K = 5 });
            foreach (var hit in result.Rows)
            {
                long other = rng.NextInt64(captions.Count);
                pairs++;
                if (captions[row].Overlaps(captions[(long)hit[0]!]))
                    neighbourShares++;
                if (other != row && captions[row].Overlaps(captions[other]))
                    randomShares++;
            }
        }
        double neighbourRate = (double)neighbourShares / pairs, randomRate = (double)randomShares / pairs;
        Assert.True(neighbourRate > 0.8, $"neighbours share a word in {neighbourRate:P0} of pairs");
        Assert.True(neighbourRate > 2 * randomRate, $"neighbours {neighbourRate:P0} vs random rows {randomRate:P0}");
    }

    [Fact]
    public void Demo_vector_set_is_registered_with_one_vector_per_row()
    {
        using var ds = Dataset.Open(demo.Dataset);
        var set = Assert.Single(ds.ListVectorSets());
        Assert.Equal(("image", "laion_sample", Trawl.Vectors.VectorElementType.Float16, 64), (set.Name, set.Table, set.ElementType, set.Dimension));
        Assert.Equal(ds.GetTable("laion_sample").RowCount, set.Count);
        Assert.Equal(set.Count, ds.OpenVectorSet("image").Header.Count);
    }

    [Fact]
    public void Demo_vectors_are_the_same_for_the_same_seed()
    {
        using var other = new TempFolder();
        CliRun.Of("demo", "--rows", "3000", "--dir", other.Path, "--no-serve", "--seed", "5").Ok();
        Assert.Equal(File.ReadAllBytes(Path.Combine(demo.Dataset, "vectors", "image.f16")),
            File.ReadAllBytes(Path.Combine(other.Path, "demo.trawl", "vectors", "image.f16")));
    }
}
