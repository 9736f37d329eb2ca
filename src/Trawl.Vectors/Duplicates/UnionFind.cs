namespace Trawl.Vectors.Duplicates;

/// <summary>
/// Disjoint sets over rows 0..Count-1 (union-find with path halving). The smaller row always becomes the
/// root, so <see cref="Find"/> returns the smallest row of a cluster: cluster ids do not depend on the
/// order pairs arrive in. The parent array is the whole state (4 bytes a row), so it can be saved and restored.
/// </summary>
public sealed class UnionFind
{
    private readonly int[] _parent;

    public UnionFind(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _parent = new int[count];
        for (int i = 0; i < count; i++) _parent[i] = i;
    }

    /// <summary>Restores a state saved from <see cref="Parents"/>; every entry must point at a row not after itself.</summary>
    public UnionFind(int[] parents)
    {
        ArgumentNullException.ThrowIfNull(parents);
        for (int i = 0; i < parents.Length; i++)
            if ((uint)parents[i] > (uint)i)
                throw new ArgumentException($"parent {parents[i]} of row {i} is not a row at or before it", nameof(parents));
        _parent = parents;
    }

    public int Count => _parent.Length;

    /// <summary>The state, for saving (do not change it).</summary>
    public ReadOnlySpan<int> Parents => _parent;

    /// <summary>The smallest row in the cluster of <paramref name="row"/>.</summary>
    public int Find(int row)
    {
        int[] p = _parent;
        while (p[row] != row)
        {
            p[row] = p[p[row]];
            row = p[row];
        }
        return row;
    }

    /// <summary>Joins the clusters of two rows; true when they were apart.</summary>
    public bool Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return false;
        if (ra < rb) _parent[rb] = ra;
        else _parent[ra] = rb;
        return true;
    }
}
