using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Trawl.Store.Columns;

/// <summary>
/// Assigns codes to a column's distinct values in the order they are first seen (so a longer build of the same
/// rows gives the same codes to the same values), up to a cap; then writes the dictionary file with each entry's
/// rank in SQLite's order.
/// </summary>
internal sealed class ColumnDictionaryBuilder
{
    // Entries live back to back in one arena (kind byte, then payload) with an offset and a hash each, found through
    // an open-addressing table of codes: about 20 bytes of bookkeeping per entry instead of an array object and a
    // dictionary entry each, which matters for the columns that run up to the entry cap.
    private byte[] _arena = new byte[1 << 12];
    private long[] _offsets = new long[257];
    private int[] _hashes = new int[256];
    private int[] _table = new int[512];
    private int _count;
    private readonly int _maxEntries;
    private readonly long _maxPayloadBytes;
    private long _payloadBytes;

    /// <summary>Most bytes of distinct values kept by default: a column of long, mostly distinct text (captions,
    /// URLs) gives up its dictionary early instead of holding a million of them in memory; facet-worthy columns
    /// (domains, tags, sizes) stay far below it.</summary>
    public const long DefaultMaxPayloadBytes = 32L << 20;

    public ColumnDictionaryBuilder(int maxEntries, long maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        _maxEntries = maxEntries;
        _maxPayloadBytes = maxPayloadBytes;
    }

    public int Count => _count;

    /// <summary>A builder holding an existing dictionary's entries under their codes, to continue it.</summary>
    public static ColumnDictionaryBuilder From(ColumnDictionary existing, int maxEntries)
    {
        long payload = 0;
        for (int c = 0; c < existing.Count; c++)
            payload += existing.Payload(c).Length + 1;
        var builder = new ColumnDictionaryBuilder(maxEntries, Math.Max(DefaultMaxPayloadBytes, payload));
        for (int c = 0; c < existing.Count; c++)
        {
            if (builder.Code(existing.Kind(c), existing.Payload(c)) != c)
                throw new Trawl.Formats.Tables.DataFormatException("dictionary", $"entry {c} repeats an earlier entry");
        }
        return builder;
    }

    /// <summary>The code of a value (kind + payload), adding it when new; -1 once the column has more than the cap.</summary>
    public int Code(StoredValueKind kind, ReadOnlySpan<byte> payload)
    {
        int hash = Hash(kind, payload);
        int mask = _table.Length - 1;
        int slot = hash & mask;
        while (_table[slot] != 0)
        {
            int code = _table[slot] - 1;
            if (_hashes[code] == hash && Matches(code, kind, payload))
                return code;
            slot = (slot + 1) & mask;
        }
        int length = payload.Length + 1;
        if (_count >= _maxEntries || _payloadBytes + length > _maxPayloadBytes || _offsets[_count] + length > Array.MaxLength)
            return -1;
        _payloadBytes += length;
        int added = _count;
        Append(kind, payload, hash);
        _table[slot] = added + 1;
        if (_count * 2 > _table.Length)
            GrowTable();
        return added;
    }

    /// <summary>Entry <paramref name="code"/>: its kind byte followed by its payload.</summary>
    private ReadOnlySpan<byte> Entry(int code) => _arena.AsSpan((int)_offsets[code], (int)(_offsets[code + 1] - _offsets[code]));

    private bool Matches(int code, StoredValueKind kind, ReadOnlySpan<byte> payload)
    {
        var entry = Entry(code);
        return entry.Length == payload.Length + 1 && entry[0] == (byte)kind && entry[1..].SequenceEqual(payload);
    }

    private void Append(StoredValueKind kind, ReadOnlySpan<byte> payload, int hash)
    {
        long start = _offsets[_count];
        long end = start + payload.Length + 1;
        if (end > _arena.Length)
            Array.Resize(ref _arena, (int)Math.Min(Array.MaxLength, Math.Max(end, (long)_arena.Length * 2)));
        _arena[start] = (byte)kind;
        payload.CopyTo(_arena.AsSpan((int)start + 1));
        if (_count >= _hashes.Length)
        {
            Array.Resize(ref _hashes, _hashes.Length * 2);
            Array.Resize(ref _offsets, _hashes.Length + 1);
        }
        _hashes[_count] = hash;
        _offsets[++_count] = end;
    }

    private void GrowTable()
    {
        var table = new int[_table.Length * 2];
        int mask = table.Length - 1;
        for (int code = 0; code < _count; code++)
        {
            int slot = _hashes[code] & mask;
            while (table[slot] != 0)
                slot = (slot + 1) & mask;
            table[slot] = code + 1;
        }
        _table = table;
    }

    private static int Hash(StoredValueKind kind, ReadOnlySpan<byte> payload)
    {
        var h = new HashCode();
        h.Add((byte)kind);
        h.AddBytes(payload);
        return h.ToHashCode();
    }

    /// <summary>Writes the dictionary to a new file at <paramref name="path"/> (or over the file there) and syncs it.</summary>
    public void Write(string path, bool overwrite = false)
    {
        int d = _count;
        var order = new int[d];
        for (int i = 0; i < d; i++)
            order[i] = i;
        Array.Sort(order, (x, y) =>
        {
            ReadOnlySpan<byte> a = Entry(x), b = Entry(y);
            return StoredValueOrder.Compare((StoredValueKind)a[0], a[1..], (StoredValueKind)b[0], b[1..]);
        });
        var ranks = new uint[d];
        // Equal values (an integer and a real of the same number) share a rank, as SQLite groups them.
        for (int r = 0, rank = 0; r < d; r++)
        {
            if (r > 0)
            {
                ReadOnlySpan<byte> prev = Entry(order[r - 1]), cur = Entry(order[r]);
                if (StoredValueOrder.Compare((StoredValueKind)prev[0], prev[1..], (StoredValueKind)cur[0], cur[1..]) != 0)
                    rank = r;
            }
            ranks[order[r]] = (uint)rank;
        }
        long payloadBytes = 0;
        var offsets = new ulong[d + 1];
        var kinds = new byte[d];
        for (int i = 0; i < d; i++)
        {
            var entry = Entry(i);
            kinds[i] = entry[0];
            payloadBytes += entry.Length - 1;
            offsets[i + 1] = (ulong)payloadBytes;
        }
        // Overwriting is for a caller that holds the dataset alone, so no share lock is asked for.
        using var stream = overwrite
            ? new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1 << 16)
            : new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> header = stackalloc byte[ColumnFileHeader.Size];
        new ColumnFileHeader(ColumnEncoding.Dictionary, ColumnFilePart.Dictionary, 0, d, payloadBytes).Write(header);
        stream.Write(header);
        stream.Write(MemoryMarshal.AsBytes(ranks.AsSpan()));
        Pad(stream, 4L * d);
        stream.Write(MemoryMarshal.AsBytes(offsets.AsSpan()));
        stream.Write(kinds);
        Pad(stream, ColumnDictionary.Align8(4L * d) + 8L * (d + 1) + d);
        for (int i = 0; i < d; i++)
            stream.Write(Entry(i)[1..]);
        stream.Flush(flushToDisk: true);
    }

    private static void Pad(Stream stream, long written)
    {
        long pad = ColumnDictionary.Align8(written) - written;
        for (long i = 0; i < pad; i++)
            stream.WriteByte(0);
    }
}
