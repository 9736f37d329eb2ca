namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>Nodes seen by one search: a mark per node compared with a generation that each search bumps, so nothing is cleared between searches.</summary>
internal sealed class VisitedSet(int capacity)
{
    private readonly ushort[] _marks = new ushort[Math.Max(1, capacity)];
    private ushort _generation;

    public int Capacity => _marks.Length;

    public void NewGeneration()
    {
        if (++_generation == 0)
        {
            Array.Clear(_marks);
            _generation = 1;
        }
    }

    /// <summary>Marks the node; true if it was not marked in this generation.</summary>
    public bool Visit(int node)
    {
        ref ushort mark = ref _marks[node];
        if (mark == _generation) return false;
        mark = _generation;
        return true;
    }

    public ref ushort MarkOf(int node) => ref _marks[node];
}
