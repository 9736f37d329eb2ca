using System.Buffers.Binary;

namespace Trawl.Formats.Parquet.Compression;

/// <summary>
/// Zstandard decompression (RFC 8878): frames (skippable frames passed over), raw, RLE and
/// compressed blocks, Huffman-coded literals, FSE-coded sequences and repeat offsets. Dictionaries
/// are not supported (Parquet does not use them). Every copy is bounds-checked against the output.
/// </summary>
internal static class ZstdDecoder
{
    private static readonly int[] LlBase = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
    private static readonly byte[] LlBits = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    private static readonly int[] MlBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539];
    private static readonly byte[] MlBits = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    private static readonly short[] LlDefault = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
    private static readonly short[] MlDefault = [1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1];
    private static readonly short[] OfDefault = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];

    /// <summary>Decoder state that lives for one frame (tables and offsets carried from block to block).</summary>
    private sealed class FrameState
    {
        public readonly ZstdHuffmanTable Huffman = new();
        public bool HasHuffman;
        public readonly ZstdFseTable Ll = new(), Of = new(), Ml = new();
        public bool HasLl, HasOf, HasMl;
        public readonly int[] Rep = new int[3];
        public byte[] Literals = new byte[1 << 17];

        public void Reset()
        {
            HasHuffman = HasLl = HasOf = HasMl = false;
            Rep[0] = 1; Rep[1] = 4; Rep[2] = 8;
        }
    }

    [ThreadStatic] private static FrameState? t_state;

    public static void Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var st = t_state ??= new FrameState();
        int pos = 0, op = 0;
        while (pos < src.Length)
        {
            if (src.Length - pos < 4)
                throw new ParquetException("ZSTD frame header ends early");
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(src[pos..]);
            pos += 4;
            if ((magic & 0xFFFFFFF0) == 0x184D2A50)
            {
                if (src.Length - pos < 4) throw new ParquetException("ZSTD skippable frame ends early");
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(src[pos..]);
                if (size > (uint)(src.Length - pos - 4)) throw new ParquetException("ZSTD skippable frame runs past the page");
                pos += 4 + (int)size;
                continue;
            }
            if (magic != 0xFD2FB528)
                throw new ParquetException("ZSTD data lacks the frame magic number");
            pos = DecodeFrame(src, pos, dst, ref op, st);
        }
        if (op != dst.Length)
            throw new ParquetException($"ZSTD data decompressed to {op} bytes where the page header says {dst.Length}");
    }

    private static int DecodeFrame(ReadOnlySpan<byte> src, int pos, Span<byte> dst, ref int op, FrameState st)
    {
        if (pos >= src.Length) throw new ParquetException("ZSTD frame header ends early");
        byte fhd = src[pos++];
        int fcsFlag = fhd >> 6;
        bool single = (fhd & 0x20) != 0;
        bool checksum = (fhd & 0x04) != 0;
        int dictFlag = fhd & 3;
        if ((fhd & 0x08) != 0) throw new ParquetException("ZSTD frame header sets a reserved bit");
        if (!single) pos++; // window descriptor: the whole page is in memory, so the window needs no limit of its own
        int dictBytes = dictFlag == 3 ? 4 : dictFlag;
        int fcsBytes = fcsFlag switch { 0 => single ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        if (src.Length - pos < dictBytes + fcsBytes) throw new ParquetException("ZSTD frame header ends early");
        for (int k = 0; k < dictBytes; k++)
            if (src[pos + k] != 0) throw new ParquetException("ZSTD dictionaries are not supported");
        pos += dictBytes + fcsBytes;
        st.Reset();
        int frameStart = op;
        while (true)
        {
            if (src.Length - pos < 3) throw new ParquetException("ZSTD block header ends early");
            int bh = src[pos] | src[pos + 1] << 8 | src[pos + 2] << 16;
            pos += 3;
            bool last = (bh & 1) != 0;
            int type = (bh >> 1) & 3;
            int size = bh >> 3;
            switch (type)
            {
                case 0:
                    if (size > src.Length - pos || size > dst.Length - op) throw new ParquetException("ZSTD raw block runs past its bounds");
                    src.Slice(pos, size).CopyTo(dst[op..]);
                    pos += size;
                    op += size;
                    break;
                case 1:
                    if (pos >= src.Length || size > dst.Length - op) throw new ParquetException("ZSTD RLE block runs past its bounds");
                    dst.Slice(op, size).Fill(src[pos]);
                    pos++;
                    op += size;
                    break;
                case 2:
                    if (size > src.Length - pos) throw new ParquetException("ZSTD compressed block runs past the page");
                    op = DecodeBlock(src.Slice(pos, size), dst, op, frameStart, st);
                    pos += size;
                    break;
                default:
                    throw new ParquetException("ZSTD block type is reserved");
            }
            if (last) break;
        }
        if (checksum)
        {
            if (src.Length - pos < 4) throw new ParquetException("ZSTD frame checksum ends early");
            pos += 4;
        }
        return pos;
    }

    private static int DecodeBlock(ReadOnlySpan<byte> block, Span<byte> dst, int op, int frameStart, FrameState st)
    {
        int pos = 0;
        int litSize = DecodeLiterals(block, ref pos, st);
        var literals = st.Literals.AsSpan(0, litSize);
        if (pos >= block.Length) throw new ParquetException("ZSTD sequences section is missing");
        int nbSeq = block[pos++];
        if (nbSeq >= 128)
        {
            if (nbSeq == 255)
            {
                if (block.Length - pos < 2) throw new ParquetException("ZSTD sequence count ends early");
                nbSeq = block[pos] + (block[pos + 1] << 8) + 0x7F00;
                pos += 2;
            }
            else
            {
                if (pos >= block.Length) throw new ParquetException("ZSTD sequence count ends early");
                nbSeq = ((nbSeq - 128) << 8) + block[pos++];
            }
        }
        if (nbSeq == 0)
        {
            if (litSize > dst.Length - op) throw new ParquetException("ZSTD literals run past the output");
            literals.CopyTo(dst[op..]);
            return op + litSize;
        }
        if (pos >= block.Length) throw new ParquetException("ZSTD compression modes are missing");
        byte modes = block[pos++];
        pos += ReadTable(block[pos..], (modes >> 6) & 3, st.Ll, ref st.HasLl, 35, 9, LlDefault, 6);
        pos += ReadTable(block[pos..], (modes >> 4) & 3, st.Of, ref st.HasOf, 31, 8, OfDefault, 5);
        pos += ReadTable(block[pos..], (modes >> 2) & 3, st.Ml, ref st.HasMl, 52, 9, MlDefault, 6);
        var br = new ZstdBitReader(block[pos..]);
        var ll = st.Ll; var of = st.Of; var ml = st.Ml;
        int sLl = (int)br.Read(ll.AccuracyLog), sOf = (int)br.Read(of.AccuracyLog), sMl = (int)br.Read(ml.AccuracyLog);
        var rep = st.Rep;
        int litPos = 0;
        for (int i = 0; i < nbSeq; i++)
        {
            int ofCode = of.Symbol[sOf], llCode = ll.Symbol[sLl], mlCode = ml.Symbol[sMl];
            if (ofCode > 31 || llCode > 35 || mlCode > 52) throw new ParquetException("ZSTD sequence code is out of range");
            long offsetValue = (1L << ofCode) + br.Read(ofCode);
            int matchLen = MlBase[mlCode] + (int)br.Read(MlBits[mlCode]);
            int litLen = LlBase[llCode] + (int)br.Read(LlBits[llCode]);
            int offset;
            if (offsetValue > 3)
            {
                offset = (int)Math.Min(offsetValue - 3, int.MaxValue);
                rep[2] = rep[1]; rep[1] = rep[0]; rep[0] = offset;
            }
            else
            {
                int idx = (int)offsetValue - (litLen == 0 ? 0 : 1);
                if (idx == 0)
                    offset = rep[0];
                else
                {
                    offset = idx == 3 ? rep[0] - 1 : rep[idx];
                    if (idx != 1) rep[2] = rep[1];
                    rep[1] = rep[0];
                    rep[0] = offset;
                }
            }
            if (i < nbSeq - 1)
            {
                sLl = ll.NewState[sLl] + (int)br.Read(ll.NumBits[sLl]);
                sMl = ml.NewState[sMl] + (int)br.Read(ml.NumBits[sMl]);
                sOf = of.NewState[sOf] + (int)br.Read(of.NumBits[sOf]);
            }
            if (litLen > litSize - litPos || litLen > dst.Length - op)
                throw new ParquetException("ZSTD sequence takes more literals than there are");
            Lz77.Literal(literals, litPos, dst, op, litLen);
            litPos += litLen;
            op += litLen;
            if (offset <= 0 || offset > op - frameStart || matchLen > dst.Length - op)
                throw new ParquetException("ZSTD match points outside the decompressed data");
            Lz77.Copy(dst, op, offset, matchLen);
            op += matchLen;
        }
        if (br.BitsLeft != 0)
            throw new ParquetException("ZSTD sequence stream does not end where its sequences do");
        int rest = litSize - litPos;
        if (rest > dst.Length - op) throw new ParquetException("ZSTD literals run past the output");
        literals.Slice(litPos, rest).CopyTo(dst[op..]);
        return op + rest;
    }

    private static int ReadTable(ReadOnlySpan<byte> src, int mode, ZstdFseTable table, ref bool has, int maxSymbol, int maxLog, short[] defaults, int defaultLog)
    {
        switch (mode)
        {
            case 0:
                table.Build(defaults, defaultLog);
                has = true;
                return 0;
            case 1:
                if (src.IsEmpty) throw new ParquetException("ZSTD RLE table ends early");
                if (src[0] > maxSymbol) throw new ParquetException("ZSTD RLE symbol is out of range");
                table.BuildRle(src[0]);
                has = true;
                return 1;
            case 2:
                has = true;
                return ZstdFseTable.Read(src, maxSymbol, maxLog, table);
            default:
                if (!has) throw new ParquetException("ZSTD repeats a table it never had");
                return 0;
        }
    }

    private static int DecodeLiterals(ReadOnlySpan<byte> block, ref int pos, FrameState st)
    {
        if (block.IsEmpty) throw new ParquetException("ZSTD literals section is missing");
        byte b0 = block[0];
        int type = b0 & 3;
        int sizeFormat = (b0 >> 2) & 3;
        if (type is 0 or 1)
        {
            int size, hl;
            switch (sizeFormat)
            {
                case 0: case 2: size = b0 >> 3; hl = 1; break;
                case 1:
                    if (block.Length < 2) throw new ParquetException("ZSTD literals header ends early");
                    size = (b0 >> 4) + (block[1] << 4); hl = 2; break;
                default:
                    if (block.Length < 3) throw new ParquetException("ZSTD literals header ends early");
                    size = (b0 >> 4) + (block[1] << 4) + (block[2] << 12); hl = 3; break;
            }
            EnsureLiterals(st, size);
            if (type == 0)
            {
                if (size > block.Length - hl) throw new ParquetException("ZSTD raw literals run past the block");
                block.Slice(hl, size).CopyTo(st.Literals);
                pos = hl + size;
            }
            else
            {
                if (hl >= block.Length) throw new ParquetException("ZSTD RLE literals end early");
                st.Literals.AsSpan(0, size).Fill(block[hl]);
                pos = hl + 1;
            }
            return size;
        }
        int regen, comp, headerLen;
        bool fourStreams = sizeFormat != 0;
        if (sizeFormat <= 1)
        {
            if (block.Length < 3) throw new ParquetException("ZSTD literals header ends early");
            int h = block[0] | block[1] << 8 | block[2] << 16;
            regen = (h >> 4) & 0x3FF; comp = (h >> 14) & 0x3FF; headerLen = 3;
        }
        else if (sizeFormat == 2)
        {
            if (block.Length < 4) throw new ParquetException("ZSTD literals header ends early");
            uint h = BinaryPrimitives.ReadUInt32LittleEndian(block);
            regen = (int)((h >> 4) & 0x3FFF); comp = (int)((h >> 18) & 0x3FFF); headerLen = 4;
        }
        else
        {
            if (block.Length < 5) throw new ParquetException("ZSTD literals header ends early");
            ulong h = BinaryPrimitives.ReadUInt32LittleEndian(block) | (ulong)block[4] << 32;
            regen = (int)((h >> 4) & 0x3FFFF); comp = (int)((h >> 22) & 0x3FFFF); headerLen = 5;
        }
        if (comp > block.Length - headerLen) throw new ParquetException("ZSTD compressed literals run past the block");
        var section = block.Slice(headerLen, comp);
        int treeLen = 0;
        if (type == 2)
        {
            treeLen = st.Huffman.Read(section);
            st.HasHuffman = true;
        }
        else if (!st.HasHuffman)
            throw new ParquetException("ZSTD literals repeat a Huffman table they never had");
        EnsureLiterals(st, regen);
        var streams = section[treeLen..];
        var outLit = st.Literals.AsSpan(0, regen);
        if (!fourStreams)
            st.Huffman.DecodeStream(streams, outLit);
        else
        {
            if (streams.Length < 6) throw new ParquetException("ZSTD literal jump table ends early");
            int s1 = BinaryPrimitives.ReadUInt16LittleEndian(streams), s2 = BinaryPrimitives.ReadUInt16LittleEndian(streams[2..]), s3 = BinaryPrimitives.ReadUInt16LittleEndian(streams[4..]);
            var data = streams[6..];
            if ((long)s1 + s2 + s3 > data.Length) throw new ParquetException("ZSTD literal streams run past their section");
            int per = (regen + 3) / 4;
            if (3 * per > regen) throw new ParquetException("ZSTD literal streams are too short to split in four");
            st.Huffman.DecodeStream(data[..s1], outLit[..per]);
            st.Huffman.DecodeStream(data.Slice(s1, s2), outLit.Slice(per, per));
            st.Huffman.DecodeStream(data.Slice(s1 + s2, s3), outLit.Slice(2 * per, per));
            st.Huffman.DecodeStream(data[(s1 + s2 + s3)..], outLit[(3 * per)..]);
        }
        pos = headerLen + comp;
        return regen;
    }

    private static void EnsureLiterals(FrameState st, int size)
    {
        if (size > 1 << 17) throw new ParquetException("ZSTD literals exceed the 128 KB block maximum");
        if (st.Literals.Length < size) st.Literals = new byte[size];
    }
}
