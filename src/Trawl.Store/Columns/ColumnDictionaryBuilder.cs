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
    private readonly Dictionary<byte[], int> _codes;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly List<byte[]> _entries = [];
    private readonly int _maxEntries;
    private readonly long _maxPayloadBytes;
    private long _payloadBytes;
    private byte[] _scratch = new byte[256];

    /// <summary>Most bytes of distinct values kept by default: a column of long, mostly distinct text (captions,
    /// URLs) gives up its dictionary early instead of holding a million of them in memory; facet-worthy columns
    /// (domains, tags, sizes) stay far below it.</summary>
    public const long DefaultMaxPayloadBytes = 32L << 20;

    public ColumnDictionaryBuilder(int maxEntries, long maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        _maxEntries = maxEntries;
        _maxPayloadBytes = maxPayloadBytes;
        _codes = new Dictionary<byte[], int>(ByteKeyComparer.Instance);
        _lookup = _codes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _entries.Count;

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
        int length = payload.Length + 1;
        if (_scratch.Length < length)
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        _scratch[0] = (byte)kind;
        payload.CopyTo(_scratch.AsSpan(1));
        ReadOnlySpan<byte> key = _scratch.AsSpan(0, length);
        if (_lookup.TryGetValue(key, out int code))
            return code;
        if (_entries.Count >= _maxEntries || _payloadBytes + length > _maxPayloadBytes)
            return -1;
        _payloadBytes += length;
        byte[] stored = key.ToArray();
        code = _entries.Count;
        _entries.Add(stored);
        _codes.Add(stored, code);
        return code;
    }

    /// <summary>Writes the dictionary to a new file at <paramref name="path"/> (or over the file there) and syncs it.</summary>
    public void Write(string path, bool overwrite = false)
    {
        int d = _entries.Count;
        var order = new int[d];
        for (int i = 0; i < d; i++)
            order[i] = i;
        Array.Sort(order, (x, y) =>
        {
            byte[] a = _entries[x], b = _entries[y];
            return StoredValueOrder.Compare((StoredValueKind)a[0], a.AsSpan(1), (StoredValueKind)b[0], b.AsSpan(1));
        });
        var ranks = new uint[d];
        // Equal values (an integer and a real of the same number) share a rank, as SQLite groups them.
        for (int r = 0, rank = 0; r < d; r++)
        {
            if (r > 0)
            {
                byte[] prev = _entries[order[r - 1]], cur = _entries[order[r]];
                if (StoredValueOrder.Compare((StoredValueKind)prev[0], prev.AsSpan(1), (StoredValueKind)cur[0], cur.AsSpan(1)) != 0)
                    rank = r;
            }
            ranks[order[r]] = (uint)rank;
        }
        long payloadBytes = 0;
        var offsets = new ulong[d + 1];
        var kinds = new byte[d];
        for (int i = 0; i < d; i++)
        {
            kinds[i] = _entries[i][0];
            payloadBytes += _entries[i].Length - 1;
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
        foreach (byte[] e in _entries)
            stream.Write(e.AsSpan(1));
        stream.Flush(flushToDisk: true);
    }

    private static void Pad(Stream stream, long written)
    {
        long pad = ColumnDictionary.Align8(written) - written;
        for (long i = 0; i < pad; i++)
            stream.WriteByte(0);
    }

    private sealed class ByteKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteKeyComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => Hash(obj);
        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);
        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var h = new HashCode();
            h.AddBytes(bytes);
            return h.ToHashCode();
        }
    }

    /// <summary>The 8 payload bytes of a number, as the dictionary and the comparers read them.</summary>
    public static void WriteNumber(Span<byte> into, long value) => BinaryPrimitives.WriteInt64LittleEndian(into, value);
}
