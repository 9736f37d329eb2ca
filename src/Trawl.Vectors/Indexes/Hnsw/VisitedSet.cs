using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>
/// Nodes seen by one search: a mark per node compared with a generation that each search bumps, so
/// nothing is cleared between searches. A byte per node (cleared every 255 searches) keeps the
/// marks of a million nodes in 1 MB, inside one core's L2 beside the walk's rows.
/// </summary>
internal sealed unsafe class VisitedSet
{
    private readonly byte[] _marks;
    private readonly byte* _pointer;
    private byte _generation;

    public VisitedSet(int capacity)
    {
        _marks = GC.AllocateArray<byte>(Math.Max(1, capacity), pinned: true);
        _pointer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_marks));
    }

    public int Capacity => _marks.Length;

    public void NewGeneration()
    {
        if (++_generation == 0)
        {
            Array.Clear(_marks);
            _generation = 1;
        }
    }

    /// <summary>Marks the node; true if it was not marked in this generation. The caller guarantees 0 ≤ node &lt; <see cref="Capacity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Visit(int node)
    {
        byte* mark = _pointer + node;
        if (*mark == _generation) return false;
        *mark = _generation;
        return true;
    }
}
