using System.Numerics;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>The Huffman table for ZSTD literals (RFC 8878 section 4.2), as a direct lookup on the next MaxBits bits.</summary>
internal sealed class ZstdHuffmanTable
{
    private const int MaxTableLog = 11;
    public byte[] Symbol = new byte[1 << MaxTableLog];
    public byte[] NumBits = new byte[1 << MaxTableLog];
    public int MaxBits;
    private readonly ZstdFseTable _weightsFse = new();

    /// <summary>Reads a Huffman tree description; returns the bytes used.</summary>
    public int Read(ReadOnlySpan<byte> src)
    {
        if (src.IsEmpty)
            throw new ParquetException("ZSTD Huffman tree description is missing");
        Span<byte> weights = stackalloc byte[256];
        int count;
        int header = src[0];
        int used;
        if (header >= 128)
        {
            count = header - 127;
            int bytes = (count + 1) / 2;
            if (1 + bytes > src.Length)
                throw new ParquetException("ZSTD Huffman weights run past their section");
            for (int i = 0; i < count; i++)
            {
                byte b = src[1 + i / 2];
                weights[i] = (byte)(i % 2 == 0 ? b >> 4 : b & 15);
            }
            used = 1 + bytes;
        }
        else
        {
            if (1 + header > src.Length || header == 0)
                throw new ParquetException("ZSTD Huffman weights run past their section");
            var section = src.Slice(1, header);
            int tableBytes = ZstdFseTable.Read(section, 255, 6, _weightsFse);
            var br = new ZstdBitReader(section[tableBytes..]);
            var t = _weightsFse;
            int s1 = (int)br.Read(t.AccuracyLog), s2 = (int)br.Read(t.AccuracyLog);
            count = 0;
            while (true)
            {
                if (count >= 255) throw new ParquetException("ZSTD Huffman weights are too many");
                weights[count++] = t.Symbol[s1];
                s1 = t.NewState[s1] + (int)br.Read(t.NumBits[s1]);
                if (br.Overflowed)
                {
                    weights[count++] = t.Symbol[s2];
                    break;
                }
                if (count >= 255) throw new ParquetException("ZSTD Huffman weights are too many");
                weights[count++] = t.Symbol[s2];
                s2 = t.NewState[s2] + (int)br.Read(t.NumBits[s2]);
                if (br.Overflowed)
                {
                    weights[count++] = t.Symbol[s1];
                    break;
                }
            }
            used = 1 + header;
        }
        Build(weights[..count]);
        return used;
    }

    private void Build(Span<byte> weightsWithoutLast)
    {
        int n = weightsWithoutLast.Length;
        long total = 0;
        for (int i = 0; i < n; i++)
        {
            int w = weightsWithoutLast[i];
            if (w > MaxTableLog)
                throw new ParquetException("ZSTD Huffman weight is out of range");
            if (w > 0) total += 1L << (w - 1);
        }
        if (total == 0)
            throw new ParquetException("ZSTD Huffman weights are all zero");
        int maxBits = 64 - BitOperations.LeadingZeroCount((ulong)total);
        long rest = (1L << maxBits) - total;
        if (!BitOperations.IsPow2(rest) || maxBits > MaxTableLog)
            throw new ParquetException("ZSTD Huffman weights do not form a complete tree");
        int lastWeight = BitOperations.Log2((ulong)rest) + 1;
        Span<byte> weights = stackalloc byte[n + 1];
        weightsWithoutLast.CopyTo(weights);
        weights[n] = (byte)lastWeight;
        MaxBits = maxBits;
        Span<int> rankStart = stackalloc int[MaxTableLog + 2];
        Span<int> rankCount = stackalloc int[MaxTableLog + 2];
        foreach (byte w in weights) rankCount[w]++;
        int next = 0;
        for (int w = 1; w <= maxBits; w++)
        {
            rankStart[w] = next;
            next += rankCount[w] << (w - 1);
        }
        if (next != 1 << maxBits)
            throw new ParquetException("ZSTD Huffman table does not fill");
        for (int s = 0; s < weights.Length; s++)
        {
            int w = weights[s];
            if (w == 0) continue;
            int len = 1 << (w - 1);
            int start = rankStart[w];
            Symbol.AsSpan(start, len).Fill((byte)s);
            NumBits.AsSpan(start, len).Fill((byte)(maxBits + 1 - w));
            rankStart[w] += len;
        }
    }

    /// <summary>Decodes one stream of literals into dst, which must be filled exactly.</summary>
    public void DecodeStream(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var br = new ZstdBitReader(src);
        int mb = MaxBits;
        var sym = Symbol;
        var nb = NumBits;
        for (int i = 0; i < dst.Length; i++)
        {
            int idx = (int)br.Peek(mb);
            dst[i] = sym[idx];
            br.Skip(nb[idx]);
        }
        if (br.BitsLeft != 0)
            throw new ParquetException("ZSTD Huffman stream does not end where its literals do");
    }
}
