using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>One thread's working memory for HNSW searches and inserts, pooled by the index.</summary>
internal sealed unsafe class HnswScratch
{
    private readonly float[] _query;
    private readonly float[] _row;
    private readonly float[] _candidate;
    private readonly sbyte[] _codedQuery;

    private readonly int[] _fresh;
    private readonly float[] _scaledQuery;

    public HnswScratch(int nodes, int dimension, int ef, int maxLinks)
    {
        _fresh = GC.AllocateUninitializedArray<int>(maxLinks, pinned: true);
        _scaledQuery = GC.AllocateUninitializedArray<float>(dimension, pinned: true);
        Visited = new VisitedSet(nodes);
        Top = new KeyIdHeap(ef + 1);
        Candidates = new KeyIdHeap(ef * 4);
        _query = GC.AllocateUninitializedArray<float>(dimension, pinned: true);
        _row = GC.AllocateUninitializedArray<float>(dimension, pinned: true);
        _candidate = GC.AllocateUninitializedArray<float>(dimension, pinned: true);
        _codedQuery = GC.AllocateUninitializedArray<sbyte>(dimension, pinned: true);
        SortedKeys = new float[Math.Max(16, ef)];
        SortedIds = new int[Math.Max(16, ef)];
    }

    public VisitedSet Visited { get; }
    public KeyIdHeap Top { get; }
    /// <summary>Nodes still to expand; keys are negated so the max-heap root is the closest.</summary>
    public KeyIdHeap Candidates { get; }
    public float[] SortedKeys { get; private set; }
    public int[] SortedIds { get; private set; }
    public float* Query => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_query));
    public Span<float> QuerySpan => _query;
    /// <summary>Widened f16 row of the node being inserted.</summary>
    public float* Row => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_row));
    /// <summary>Widened f16 row of a candidate during neighbour selection.</summary>
    public float* Candidate => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_candidate));

    /// <summary>The query times 2^112 for the prescaled f16 kernel.</summary>
    public float* ScaledQuery => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_scaledQuery));

    /// <summary>Unvisited neighbours of the node being expanded (room for a full level-0 list).</summary>
    public int* Fresh => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_fresh));

    /// <summary>The query quantised for an SQ8 walk.</summary>
    public sbyte* CodedQuery => (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_codedQuery));

    public void EnsureSorted(int n)
    {
        if (SortedKeys.Length >= n) return;
        SortedKeys = new float[n * 2];
        SortedIds = new int[n * 2];
    }
}
