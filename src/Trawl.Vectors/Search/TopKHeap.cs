namespace Trawl.Vectors.Search;

/// <summary>
/// The k best (smallest key) entries seen so far, as a bounded binary max-heap whose root is the
/// worst kept entry. Equal keys rank by smaller id. NaN keys are never kept. No allocation after
/// construction.
/// </summary>
internal sealed class TopKHeap
{
    private readonly float[] _keys;
    private readonly long[] _ids;
    private int _count;

    public TopKHeap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _keys = new float[capacity];
        _ids = new long[capacity];
    }

    public int Count => _count;
    public int Capacity => _keys.Length;

    /// <summary>A key must be below this to enter (equal keys may still enter by smaller id through <see cref="Push"/>).</summary>
    public float Threshold => _count < _keys.Length ? float.PositiveInfinity : _keys[0];

    public bool IsFull => _count == _keys.Length;

    public void Clear() => _count = 0;

    public void Push(float key, long id)
    {
        if (float.IsNaN(key) || _keys.Length == 0) return;
        if (_count < _keys.Length)
        {
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
            return;
        }
        if (!Worse(_keys[0], _ids[0], key, id)) return;
        SiftDownFromRoot(key, id);
    }

    /// <summary>Adds every entry of another heap.</summary>
    public void Merge(TopKHeap other)
    {
        for (int i = 0; i < other._count; i++) Push(other._keys[i], other._ids[i]);
    }

    /// <summary>Empties the heap into the spans, best first; returns how many were written.</summary>
    public int DrainSorted(Span<float> keys, Span<long> ids)
    {
        int n = _count;
        for (int pos = n - 1; pos >= 0; pos--)
        {
            keys[pos] = _keys[0];
            ids[pos] = _ids[0];
            _count--;
            if (_count > 0) SiftDownFromRoot(_keys[_count], _ids[_count]);
        }
        return n;
    }

    private void SiftDownFromRoot(float key, long id)
    {
        int i = 0;
        int n = _count;
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

    private static bool Worse(float keyA, long idA, float keyB, long idB) => keyA > keyB || (keyA == keyB && idA > idB);
}
