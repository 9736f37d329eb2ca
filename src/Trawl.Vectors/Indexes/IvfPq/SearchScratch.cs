using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trawl.Vectors.Search;

namespace Trawl.Vectors.Indexes.IvfPq;

/// <summary>
/// One query's working memory (look-up table, residual, heaps, candidate buffers), pooled by the
/// index so a search allocates nothing once the pool holds one per thread.
/// </summary>
internal sealed class SearchScratch(int tableSize, int dimension, int nlist)
{
    public readonly float[] Table = GC.AllocateUninitializedArray<float>(tableSize, pinned: true);
    /// <summary>The byte table of the fast scan.</summary>
    public readonly byte[] QuantizedTable = GC.AllocateUninitializedArray<byte>(tableSize, pinned: true);
    /// <summary>The 16-bit estimates of one block's rows.</summary>
    public readonly ushort[] Sums = GC.AllocateUninitializedArray<ushort>(PqFastScan.Block, pinned: true);
    public readonly float[] Residual = GC.AllocateUninitializedArray<float>(dimension, pinned: true);
    public readonly float[] ListKeys = new float[nlist];
    public readonly long[] ListIds = new long[nlist];
    public TopKHeap? Probe, Candidates, Exact;
    private float[] _keys = [];
    private long[] _ids = [];

    /// <summary>An empty heap of exactly <paramref name="capacity"/> entries, reusing <paramref name="slot"/>'s when it fits.</summary>
    public TopKHeap Heap(ref TopKHeap? slot, int capacity)
    {
        if (slot is null || slot.Capacity != capacity) slot = new TopKHeap(capacity);
        slot.Clear();
        return slot;
    }

    /// <summary>Address of an array on the pinned object heap.</summary>
    public static unsafe T* Address<T>(T[] pinned) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    public float[] Keys(int count) => _keys.Length >= count ? _keys : _keys = new float[count];
    public long[] Ids(int count) => _ids.Length >= count ? _ids : _ids = new long[count];
}
