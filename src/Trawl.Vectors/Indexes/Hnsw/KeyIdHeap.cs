namespace Trawl.Vectors.Indexes.Hnsw;

/// <summary>
/// A binary max-heap of (key, id) whose root is the worst entry (larger key, then larger id).
/// The arrays grow when needed and are kept, so a pooled heap stops allocating after warm-up.
/// </summary>
internal sealed class KeyIdHeap(int capacity)
{
    private float[] _keys = new float[Math.Max(16, capacity)];
    private int[] _ids = new int[Math.Max(16, capacity)];
    private int _count;

    public int Count => _count;
    public float RootKey => _keys[0];
    public int RootId => _ids[0];

    public void Clear() => _count = 0;

    public void Push(float key, int id)
    {
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _ids, _count * 2);
        }
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Worse(key, id, _keys[parent], _ids[parent])) break;
            _keys[i] = _keys[parent];
            _ids[i] = _ids[parent];
            i = parent;
        }
        _keys[i] = key;
        _ids[i] = id;
    }

    public void Pop()
    {
        int n = --_count;
        if (n == 0) return;
        float key = _keys[n];
        int id = _ids[n];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Worse(_keys[child + 1], _ids[child + 1], _keys[child], _ids[child])) child++;
            if (!Worse(_keys[child], _ids[child], key, id)) break;
            _keys[i] = _keys[child];
            _ids[i] = _ids[child];
            i = child;
        }
        _keys[i] = key;
        _ids[i] = id;
    }

    /// <summary>Empties the heap into the spans, best (smallest key) first; returns how many.</summary>
    public int DrainAscending(Span<float> keys, Span<int> ids)
    {
        int n = _count;
        for (int pos = n - 1; pos >= 0; pos--)
        {
            keys[pos] = _keys[0];
            ids[pos] = _ids[0];
            Pop();
        }
        return n;
    }

    private static bool Worse(float keyA, int idA, float keyB, int idB) => keyA > keyB || (keyA == keyB && idA > idB);
}
