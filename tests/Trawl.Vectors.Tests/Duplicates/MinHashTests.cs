using Trawl.Vectors.MinHash;

namespace Trawl.Vectors.Tests.Duplicates;

public class MinHashTests
{
    private static readonly string[] Words = "cat dog red blue house tree river stone light dark small big old new green sky road city field bird".Split(' ');

    private static string Sentence(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)] + random.Next(50)));

    private static HashSet<string> Shingles(string text, int w)
    {
        var words = text.ToLowerInvariant().Split([' ', ',', '.'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < w) return [string.Join(' ', words)];
        return Enumerable.Range(0, words.Length - w + 1).Select(i => string.Join(' ', words, i, w)).ToHashSet();
    }

    [Fact]
    public void Signature_agreement_estimates_the_jaccard_similarity_of_the_shingle_sets()
    {
        var hasher = new MinHasher(256, 3);
        var random = new Random(2);
        for (int t = 0; t < 20; t++)
        {
            var a = Sentence(random, 30);
            var words = a.Split(' ');
            for (int c = 0; c < t % 6; c++) words[random.Next(words.Length)] = "changed" + c;
            var b = string.Join(' ', words);
            double truth = Shingles(a, 3).Intersect(Shingles(b, 3)).Count() / (double)Shingles(a, 3).Union(Shingles(b, 3)).Count();
            var sa = new uint[256];
            var sb = new uint[256];
            hasher.Sign(a, sa);
            hasher.Sign(b.ToUpperInvariant() + " ,.", sb); // case and punctuation do not matter
            Assert.InRange(MinHasher.Agreement(sa, sb), truth - 0.12, truth + 0.12);
        }
    }

    [Fact]
    public void Banding_finds_pairs_at_the_threshold_with_high_probability()
    {
        foreach (double t in new[] { 0.5, 0.7, 0.8, 0.9 })
        {
            var b = LshBanding.For(128, t);
            Assert.Equal(128, b.Bands * b.Rows);
            Assert.True(b.CandidateProbability(t) >= 0.95);
            Assert.True(b.CandidateProbability(t - 0.5) < 0.5, $"{b} at {t - 0.5}");
        }
    }

    [Fact]
    public void Join_finds_edited_copies_and_not_unrelated_texts()
    {
        var random = new Random(4);
        var texts = new List<string>();
        var copies = new List<(int, int)>();
        for (int i = 0; i < 2000; i++)
        {
            if (i > 0 && random.NextDouble() < 0.1)
            {
                int source = random.Next(texts.Count);
                var words = texts[source].Split(' ');
                words[random.Next(words.Length)] = "edit"; // one word in 40 changed: Jaccard ≥ ~0.86
                texts.Add(string.Join(' ', words));
                copies.Add((source, i));
            }
            else texts.Add(Sentence(random, 40));
        }
        texts.Add("");
        texts.Add("  ,, ");
        var hasher = new MinHasher(128, 3);
        string path = Path.Combine(Path.GetTempPath(), $"trawl-minhash-{Guid.NewGuid():N}.sig");
        using var file = new MinHashSignatureFile(path, 128);
        var sig = new uint[128];
        foreach (var t in texts)
        {
            hasher.Sign(t, sig);
            file.Append(sig);
        }
        file.Seal();
        var pairs = MinHashJoin.Run(file, LshBanding.For(128, 0.7), 0.7, 64);
        // A copy counts when it lands in its source's cluster (a pair already joined through others is not listed again).
        var foundClusters = new Trawl.Vectors.Duplicates.UnionFind(texts.Count);
        foreach (var p in pairs) foundClusters.Union((int)p.First, (int)p.Second);
        int hits = copies.Count(c => foundClusters.Find(c.Item1) == foundClusters.Find(c.Item2));
        Assert.True(hits >= copies.Count * 0.97, $"{hits} of {copies.Count} copies found");
        Assert.DoesNotContain(pairs, p => p.First >= 2000 || p.Second >= 2000); // empty texts never match
        // Every reported pair is a copy or a copy of a copy (the random sentences share no shingles).
        var clusters = new Trawl.Vectors.Duplicates.UnionFind(texts.Count);
        foreach (var (a, b) in copies) clusters.Union(a, b);
        Assert.All(pairs, p => Assert.Equal(clusters.Find((int)p.First), clusters.Find((int)p.Second)));

        // Continuing from band k with the pairs of the bands before it gives the uninterrupted run's pairs.
        var banding = LshBanding.For(128, 0.7);
        var firstBands = new List<Trawl.Vectors.Duplicates.SimilarPair>();
        using (var stop = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => MinHashJoin.Run(file, banding, 0.7, 64, 0, [], (band, found) =>
            {
                firstBands.AddRange(found);
                if (band == 4) stop.Cancel();
            }, stop.Token));
        }
        var continued = MinHashJoin.Run(file, banding, 0.7, 64, 5, firstBands, null);
        Assert.Equal(pairs, continued);
        Assert.True(File.Exists(path));
        file.Dispose();
        Assert.False(File.Exists(path));
    }
}
