using System.Buffers.Binary;
using System.Text;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>
/// Writes small flat Parquet files for tests: INT64, DOUBLE and UTF-8 string columns, required or
/// optional, PLAIN or dictionary-encoded, uncompressed or Snappy, data page v1, optional page CRCs.
/// Records where each page starts so tests can damage a chosen page.
/// </summary>
internal sealed class TestParquetWriter
{
    private readonly List<(string Name, int Type, bool Optional, bool Dictionary, object?[] Values)> _columns = new();

    public bool Snappy { get; init; }
    public bool WriteCrc { get; init; }
    public int RowGroupSize { get; init; } = int.MaxValue;
    public int PageRows { get; init; } = int.MaxValue;

    /// <summary>File offsets of every page header written (dictionary and data pages), in order.</summary>
    public List<long> PageOffsets { get; } = new();
    /// <summary>File offsets of the dictionary-index sections (the bit-width byte) of dictionary-encoded data pages.</summary>
    public List<long> IndexSectionOffsets { get; } = new();

    public TestParquetWriter Int64(string name, long?[] values, bool optional = false) => Add(name, 2, optional, false, values.Cast<object?>().ToArray());
    public TestParquetWriter Double(string name, double?[] values, bool optional = false) => Add(name, 5, optional, false, values.Cast<object?>().ToArray());
    public TestParquetWriter Text(string name, string?[] values, bool optional = false, bool dictionary = false) => Add(name, 6, optional, dictionary, values.Cast<object?>().ToArray());

    private TestParquetWriter Add(string name, int type, bool optional, bool dictionary, object?[] values)
    {
        _columns.Add((name, type, optional, dictionary, values));
        return this;
    }

    public byte[] Build()
    {
        int rows = _columns[0].Values.Length;
        var file = new MemoryStream();
        file.Write("PAR1"u8);
        var groups = new List<(long Rows, List<(long Start, long Size, long DictOffset, long DataOffset, long Values)> Chunks)>();
        for (int start = 0; start < rows || (rows == 0 && groups.Count == 0); start += RowGroupSize)
        {
            int n = Math.Min(RowGroupSize, rows - start);
            var chunks = new List<(long, long, long, long, long)>();
            foreach (var col in _columns)
            {
                var slice = col.Values.Skip(start).Take(n).ToArray();
                long chunkStart = file.Position;
                long dictOffset = -1;
                var present = slice.Where(v => v is not null).ToArray();
                byte[] valuesSection;
                Dictionary<string, int>? dict = null;
                if (col.Dictionary)
                {
                    dict = new Dictionary<string, int>();
                    foreach (string s in present.Cast<string>())
                        dict.TryAdd(s, dict.Count);
                    dictOffset = file.Position;
                    WritePage(file, pageType: 2, Plain(col.Type, dict.Keys.Cast<object?>().ToArray()), dict.Count, dictionary: true);
                }
                long dataOffset = file.Position;
                // Data pages of at most PageRows rows each, all sharing the chunk's dictionary.
                for (int p0 = 0; p0 < slice.Length || (slice.Length == 0 && p0 == 0); p0 += PageRows)
                {
                    var page = slice.Skip(p0).Take(PageRows).ToArray();
                    var pagePresent = page.Where(v => v is not null).ToArray();
                    var levels = new MemoryStream();
                    if (col.Optional)
                    {
                        byte[] rle = BitPackedRun(page.Select(v => v is null ? 0 : 1).ToArray(), 1);
                        var len = new byte[4];
                        BinaryPrimitives.WriteInt32LittleEndian(len, rle.Length);
                        levels.Write(len);
                        levels.Write(rle);
                    }
                    long indexAt = -1;
                    if (dict is not null)
                    {
                        int bw = dict.Count <= 1 ? 1 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(dict.Count - 1));
                        var idx = pagePresent.Select(v => dict[(string)v!]).ToArray();
                        valuesSection = [(byte)bw, .. BitPackedRun(idx, bw)];
                        indexAt = levels.Length;
                    }
                    else
                    {
                        valuesSection = Plain(col.Type, pagePresent);
                    }
                    byte[] body = [.. levels.ToArray(), .. valuesSection];
                    long bodyAt = WritePage(file, pageType: 0, body, page.Length, dictionary: false, encoding: dict is null ? 0 : 8);
                    if (indexAt >= 0 && !Snappy)
                        IndexSectionOffsets.Add(bodyAt + indexAt);
                    if (slice.Length == 0) break;
                }
                chunks.Add((chunkStart, file.Position - chunkStart, dictOffset, dataOffset, slice.Length));
            }
            groups.Add((n, chunks));
            if (rows == 0) break;
        }
        var t = new ThriftCompactWriter();
        t.StructBegin();
        t.I32(1, 1);
        t.ListBegin(2, 12, _columns.Count + 1);
        t.StructBegin(); t.String(4, "schema"); t.I32(5, _columns.Count); t.StructEnd();
        foreach (var col in _columns)
        {
            t.StructBegin();
            t.I32(1, col.Type);
            t.I32(3, col.Optional ? 1 : 0);
            t.String(4, col.Name);
            if (col.Type == 6) t.I32(6, 0); // UTF8
            t.StructEnd();
        }
        t.I64(3, rows);
        t.ListBegin(4, 12, groups.Count);
        foreach (var (groupRows, chunks) in groups)
        {
            t.StructBegin();
            t.ListBegin(1, 12, chunks.Count);
            for (int c = 0; c < chunks.Count; c++)
            {
                var ch = chunks[c];
                var col = _columns[c];
                t.StructBegin();
                t.I64(2, ch.Start);
                t.StructField(3);
                t.I32(1, col.Type);
                t.ListBegin(2, 5, 1); t.ListI32(col.Dictionary ? 8 : 0);
                t.ListBegin(3, 8, 1); t.ListString(col.Name);
                t.I32(4, Snappy ? 1 : 0);
                t.I64(5, ch.Values);
                t.I64(6, ch.Size);
                t.I64(7, ch.Size);
                t.I64(9, ch.DataOffset);
                if (ch.DictOffset >= 0) t.I64(11, ch.DictOffset);
                t.StructEnd();
                t.StructEnd();
            }
            t.I64(2, chunks.Sum(x => x.Size));
            t.I64(3, groupRows);
            t.StructEnd();
        }
        t.StructEnd();
        byte[] footer = t.ToArray();
        file.Write(footer);
        Span<byte> flen = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(flen, footer.Length);
        file.Write(flen);
        file.Write("PAR1"u8);
        return file.ToArray();
    }

    /// <summary>Writes a page; returns the file offset of its body.</summary>
    private long WritePage(MemoryStream file, int pageType, byte[] body, int numValues, bool dictionary, int encoding = 0)
    {
        byte[] stored = Snappy ? Snappier.Snappy.CompressToArray(body) : body;
        var h = new ThriftCompactWriter();
        h.StructBegin();
        h.I32(1, pageType);
        h.I32(2, body.Length);
        h.I32(3, stored.Length);
        if (WriteCrc)
            h.I32(4, (int)Crc32(stored));
        if (dictionary)
        {
            h.StructField(7);
            h.I32(1, numValues);
            h.I32(2, 0);
            h.StructEnd();
        }
        else
        {
            h.StructField(5);
            h.I32(1, numValues);
            h.I32(2, encoding);
            h.I32(3, 3);
            h.I32(4, 3);
            h.StructEnd();
        }
        h.StructEnd();
        PageOffsets.Add(file.Position);
        file.Write(h.ToArray());
        long at = file.Position;
        file.Write(stored);
        return at;
    }

    private static byte[] Plain(int type, object?[] values)
    {
        var ms = new MemoryStream();
        Span<byte> b = stackalloc byte[8];
        foreach (var v in values)
        {
            switch (type)
            {
                case 2: BinaryPrimitives.WriteInt64LittleEndian(b, (long)v!); ms.Write(b); break;
                case 5: BinaryPrimitives.WriteDoubleLittleEndian(b, (double)v!); ms.Write(b); break;
                default:
                    byte[] s = Encoding.UTF8.GetBytes((string)v!);
                    BinaryPrimitives.WriteInt32LittleEndian(b, s.Length);
                    ms.Write(b[..4]);
                    ms.Write(s);
                    break;
            }
        }
        return ms.ToArray();
    }

    /// <summary>One bit-packed run of the RLE hybrid holding all values (padded to groups of 8).</summary>
    internal static byte[] BitPackedRun(int[] values, int bitWidth)
    {
        int groups = (values.Length + 7) / 8;
        var ms = new MemoryStream();
        ulong header = (ulong)groups << 1 | 1;
        while (header >= 0x80) { ms.WriteByte((byte)(header | 0x80)); header >>= 7; }
        ms.WriteByte((byte)header);
        var bits = new byte[groups * bitWidth];
        for (int i = 0; i < values.Length; i++)
            for (int k = 0; k < bitWidth; k++)
                if (((values[i] >> k) & 1) != 0)
                {
                    long bit = (long)i * bitWidth + k;
                    bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                }
        ms.Write(bits);
        return ms.ToArray();
    }

    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
