using System.Runtime.CompilerServices;

namespace Trawl.Formats.Parquet.Writing;

/// <summary>Distinct byte strings of a column chunk, numbered in first-seen order (open addressing over one byte buffer; no allocation per value).</summary>
internal sealed class ByteStringDictionary
{
    private int[] _slots = new int[1024];
    private byte[] _bytes = new byte[4096];
    private int[] _offsets = new int[257];
    private int _length;

    public ByteStringDictionary() => Array.Fill(_slots, -1);

    public int Count { get; private set; }
    public int ByteCount => _length;

    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        int mask = _slots.Length - 1;
        int slot = Hash(value) & mask;
        while (true)
        {
            int id = _slots[slot];
            if (id < 0) break;
            if (this[id].SequenceEqual(value)) return id;
            slot = (slot + 1) & mask;
        }
        int newId = Count++;
        if (_length + value.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + value.Length));
        if (Count + 1 > _offsets.Length) Array.Resize(ref _offsets, _offsets.Length * 2);
        value.CopyTo(_bytes.AsSpan(_length));
        _offsets[newId] = _length;
        _length += value.Length;
        _offsets[newId + 1] = _length;
        _slots[slot] = newId;
        if (Count * 2 > _slots.Length) Rehash();
        return newId;
    }

    private static int Hash(ReadOnlySpan<byte> value)
    {
        var h = new HashCode();
        h.AddBytes(value);
        return h.ToHashCode();
    }

    public void Clear()
    {
        Array.Fill(_slots, -1);
        Count = 0;
        _length = 0;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        Array.Fill(_slots, -1);
        int mask = _slots.Length - 1;
        for (int id = 0; id < Count; id++)
        {
            int slot = Hash(this[id]) & mask;
            while (_slots[slot] >= 0) slot = (slot + 1) & mask;
            _slots[slot] = id;
        }
    }
}
