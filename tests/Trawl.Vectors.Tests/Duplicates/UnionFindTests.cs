using Trawl.Vectors.Duplicates;

namespace Trawl.Vectors.Tests.Duplicates;

public class UnionFindTests
{
    [Fact]
    public void Find_returns_the_smallest_row_of_each_cluster_like_label_propagation()
    {
        var random = new Random(3);
        const int n = 500;
        var uf = new UnionFind(n);
        var edges = new List<(int, int)>();
        for (int e = 0; e < 300; e++)
        {
            int a = random.Next(n), b = random.Next(n);
            edges.Add((a, b));
            uf.Union(a, b);
        }
        // Oracle: repeat min-label propagation until nothing changes.
        var label = Enumerable.Range(0, n).ToArray();
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (a, b) in edges)
            {
                int m = Math.Min(label[a], label[b]);
                if (label[a] != m || label[b] != m) { label[a] = label[b] = m; changed = true; }
            }
        }
        for (int i = 0; i < n; i++) Assert.Equal(label[i], uf.Find(i));
    }

    [Fact]
    public void A_saved_state_restores_the_same_clusters_and_a_bad_one_is_refused()
    {
        var uf = new UnionFind(10);
        uf.Union(7, 3);
        uf.Union(3, 9);
        var restored = new UnionFind(uf.Parents.ToArray());
        Assert.Equal(3, restored.Find(9));
        Assert.Equal(3, restored.Find(7));
        Assert.Throws<ArgumentException>(() => new UnionFind([0, 2, 1]));
    }
}
