using System.Buffers.Binary;
using Trawl.Formats.Parquet.Compression;
using Trawl.Formats.Parquet.Encodings;
using Trawl.Formats.Parquet.Metadata;

namespace Trawl.Formats.Parquet;

/// <summary>
/// Decodes the pages of one column chunk (dictionary page, data pages v1 and v2) into a
/// <see cref="LeafChunk"/>. Sizes and counts from page headers are checked against the chunk,
/// the column's metadata and the decoded-size limit before anything is allocated.
/// </summary>
internal sealed class ColumnChunkDecoder
{
    private byte[] _page = [];
    private readonly bool _verifyChecksums;
    private long _maxBytes;

    public ColumnChunkDecoder(bool verifyChecksums, long maxDecodedBytes)
    {
        _verifyChecksums = verifyChecksums;
        _maxBytes = maxDecodedBytes;
    }

    /// <summary>The most the chunk (or page, when streamed) may decode to; a row group decoded ahead sets a tighter one.</summary>
    public long MaxDecodedBytes
    {
        get => _maxBytes;
        set => _maxBytes = value;
    }

    /// <summary>The page being decoded and where it starts in the chunk, for error messages.</summary>
    public int PageIndex { get; private set; }
    public long PageOffset { get; private set; }

    // The chunk being decoded: its bytes, where it lies in the file, and how far decoding has got.
    private byte[] _chunk = [];
    private int _chunkLength;
    private long _fileOffset;
    private ParquetColumnChunk? _meta;
    private ParquetSchemaNode? _leaf;
    private int _total;
    private int _levelsDone;
    private int _pos;

    /// <summary>Levels (entries) of the chunk decoded so far, across compactions of the output.</summary>
    public int LevelsDone => _levelsDone;

    /// <summary>Decodes a whole chunk into <paramref name="output"/> (nested columns, whose rows may span pages).</summary>
    public void Decode(byte[] chunk, int length, long chunkFileOffset, ParquetColumnChunk meta, ParquetSchemaNode leaf, long expectedRows, LeafChunk output)
    {
        Start(chunk, length, chunkFileOffset, meta, leaf, expectedRows, output);
        while (DecodePage(output)) { }
    }

    /// <summary>Checks a chunk's metadata and makes it the one <see cref="DecodePage"/> reads; clears <paramref name="output"/>.</summary>
    public void Start(byte[] chunk, int length, long chunkFileOffset, ParquetColumnChunk meta, ParquetSchemaNode leaf, long expectedRows, LeafChunk output)
    {
        output.Clear();
        var type = leaf.Element.Type!.Value;
        PageIndex = -1;
        PageOffset = chunkFileOffset;
        if (meta.Type != type)
            throw new ParquetException($"column chunk says type {meta.Type} where the schema says {type}");
        if (meta.NumValues < 0 || meta.NumValues > int.MaxValue)
            throw new ParquetException($"column chunk claims {meta.NumValues} values");
        if (leaf.RepetitionLevel == 0 && meta.NumValues != expectedRows)
            throw new ParquetException($"column chunk holds {meta.NumValues} values where the row group has {expectedRows} rows");
        _chunk = chunk;
        _chunkLength = length;
        _fileOffset = chunkFileOffset;
        _meta = meta;
        _leaf = leaf;
        _total = (int)meta.NumValues;
        _levelsDone = 0;
        _pos = 0;
    }

    /// <summary>What <paramref name="o"/> holds in memory, roughly, for the size limit.</summary>
    private static long Held(LeafChunk o) => (long)o.LevelCount * 8 + o.Values.Count * 8L + o.Values.HeapLength + o.Dictionary.HeapLength + o.Dictionary.Count * 8L;

    /// <summary>Decodes pages up to and including the next data page into <paramref name="output"/>; false when the chunk has no more values.</summary>
    public bool DecodePage(LeafChunk output)
    {
        var meta = _meta!;
        var leaf = _leaf!;
        var type = leaf.Element.Type!.Value;
        var chunk = _chunk.AsSpan(0, _chunkLength);
        while (_levelsDone < _total)
        {
            PageIndex++;
            PageOffset = _fileOffset + _pos;
            if (_pos >= chunk.Length)
                throw new ParquetException($"column chunk ends after {_levelsDone} of its {_total} values");
            int headerLen = ParquetMetadataParser.ParsePageHeader(chunk[_pos..], out var h);
            _pos += headerLen;
            if (h.CompressedSize > chunk.Length - _pos)
                throw new ParquetException($"page of {h.CompressedSize} bytes runs past the end of its column chunk");
            var raw = chunk.Slice(_pos, h.CompressedSize);
            _pos += h.CompressedSize;
            if (h.Crc is int crc && _verifyChecksums && h.Type is ParquetPageType.DataPage or ParquetPageType.DataPageV2 or ParquetPageType.DictionaryPage)
            {
                uint actual = Crc32.Compute(raw);
                if (actual != (uint)crc)
                    throw new ParquetException($"page checksum mismatch (stored {(uint)crc:x8}, computed {actual:x8})");
            }
            if (Held(output) + h.UncompressedSize + h.NumValues * 8L > _maxBytes)
                throw new ParquetException($"column chunk decodes to more than the column size limit ({_maxBytes} bytes)");
            switch (h.Type)
            {
                case ParquetPageType.DictionaryPage:
                    if (!h.HasDictionaryHeader)
                        throw new ParquetException("dictionary page lacks its header");
                    if (output.HasDictionary)
                        throw new ParquetException("column chunk has a second dictionary page");
                    if (h.Encoding is not (ParquetEncoding.Plain or ParquetEncoding.PlainDictionary))
                        throw new ParquetException($"dictionary page encoding {h.Encoding} is not supported");
                    var dictBytes = Decompress(meta.Codec, raw, h.UncompressedSize);
                    ValueDecoder.DecodePlain(type, leaf.Element.TypeLength, dictBytes, h.NumValues, output.Dictionary);
                    output.HasDictionary = true;
                    break;
                case ParquetPageType.DataPage:
                    if (!h.HasDataHeader)
                        throw new ParquetException("data page lacks its header");
                    CheckCount(h.NumValues);
                    EnsureLevels(output, leaf, h.NumValues);
                    DecodeV1(meta.Codec, raw, h, leaf, type, output);
                    _levelsDone += h.NumValues;
                    return true;
                case ParquetPageType.DataPageV2:
                    if (!h.HasDataHeaderV2)
                        throw new ParquetException("data page v2 lacks its header");
                    CheckCount(h.NumValues);
                    EnsureLevels(output, leaf, h.NumValues);
                    DecodeV2(meta.Codec, raw, h, leaf, type, output);
                    _levelsDone += h.NumValues;
                    return true;
                default:
                    // Index pages and unknown page types carry nothing we need.
                    break;
            }
        }
        return false;
    }

    /// <summary>Level arrays grow page by page, so a chunk's claimed value count is never allocated before pages back it.</summary>
    private static void EnsureLevels(LeafChunk output, ParquetSchemaNode leaf, int pageValues)
    {
        long need = (long)output.LevelCount + pageValues;
        if (leaf.DefinitionLevel > 0) LeafChunk.Ensure(ref output.Def, need);
        if (leaf.RepetitionLevel > 0) LeafChunk.Ensure(ref output.Rep, need);
    }

    private void CheckCount(int numValues)
    {
        if (numValues > _total - _levelsDone)
            throw new ParquetException($"page holds {numValues} values where the column chunk has only {_total - _levelsDone} left");
    }

    private ReadOnlySpan<byte> Decompress(ParquetCompression codec, ReadOnlySpan<byte> raw, int size)
    {
        if (codec == ParquetCompression.Uncompressed)
        {
            if (raw.Length != size)
                throw new ParquetException($"uncompressed page holds {raw.Length} bytes where its header says {size}");
            return raw;
        }
        if (_page.Length < size)
            _page = GC.AllocateUninitializedArray<byte>((int)Math.Max(size, Math.Min((long)_page.Length * 2, Array.MaxLength)));
        var dst = _page.AsSpan(0, size);
        ParquetDecompressor.Decompress(codec, raw, dst);
        return dst;
    }

    private void DecodeV1(ParquetCompression codec, ReadOnlySpan<byte> raw, in ParquetPageHeader h, ParquetSchemaNode leaf, ParquetPhysicalType type, LeafChunk output)
    {
        var page = Decompress(codec, raw, h.UncompressedSize);
        int n = h.NumValues;
        int start = output.LevelCount;
        int pos = 0;
        if (leaf.RepetitionLevel > 0)
            pos += DecodeLevelsV1(page[pos..], h.RepetitionLevelEncoding, leaf.RepetitionLevel, output.Rep.AsSpan(start, n));
        int present = n;
        if (leaf.DefinitionLevel > 0)
        {
            var def = output.Def.AsSpan(start, n);
            pos += DecodeLevelsV1(page[pos..], h.DefinitionLevelEncoding, leaf.DefinitionLevel, def);
            present = CountPresent(def, leaf.DefinitionLevel);
        }
        output.LevelCount += n;
        DecodeValues(page[pos..], h.Encoding, leaf, type, present, output);
    }

    private void DecodeV2(ParquetCompression codec, ReadOnlySpan<byte> raw, in ParquetPageHeader h, ParquetSchemaNode leaf, ParquetPhysicalType type, LeafChunk output)
    {
        int repLen = h.RepetitionLevelsByteLength, defLen = h.DefinitionLevelsByteLength;
        if (repLen < 0 || defLen < 0 || (long)repLen + defLen > raw.Length)
            throw new ParquetException("data page v2 level lengths run past the page");
        int n = h.NumValues;
        int start = output.LevelCount;
        if (leaf.RepetitionLevel > 0)
            RleBitPackedDecoder.Decode(raw[..repLen], BitWidth(leaf.RepetitionLevel), output.Rep.AsSpan(start, n));
        int present = n;
        if (leaf.DefinitionLevel > 0)
        {
            var def = output.Def.AsSpan(start, n);
            RleBitPackedDecoder.Decode(raw.Slice(repLen, defLen), BitWidth(leaf.DefinitionLevel), def);
            present = CountPresent(def, leaf.DefinitionLevel);
        }
        output.LevelCount += n;
        var body = raw[(repLen + defLen)..];
        int bodySize = h.UncompressedSize - repLen - defLen;
        if (bodySize < 0)
            throw new ParquetException("data page v2 is smaller than its levels");
        var values = h.IsCompressed && codec != ParquetCompression.Uncompressed && bodySize > 0
            ? Decompress(codec, body, bodySize)
            : body;
        DecodeValues(values, h.Encoding, leaf, type, present, output);
    }

    private static int CountPresent(ReadOnlySpan<int> def, int maxDef) => LevelScanner.CountAtMax(def, maxDef);

    internal static int BitWidth(int maxLevel) => maxLevel == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxLevel);

    private static int DecodeLevelsV1(ReadOnlySpan<byte> page, ParquetEncoding encoding, int maxLevel, Span<int> output)
    {
        int bw = BitWidth(maxLevel);
        if (encoding == ParquetEncoding.Rle)
        {
            if (page.Length < 4)
                throw new ParquetException("level section ends early");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(page);
            if (len > (uint)(page.Length - 4))
                throw new ParquetException($"level section of {len} bytes runs past the page");
            RleBitPackedDecoder.Decode(page.Slice(4, (int)len), bw, output);
            CheckLevels(output, maxLevel);
            return 4 + (int)len;
        }
        if (encoding == ParquetEncoding.BitPacked)
        {
            int bytes = (int)(((long)output.Length * bw + 7) / 8);
            BitUnpacker.UnpackMsbFirst(page, bw, output);
            CheckLevels(output, maxLevel);
            return bytes;
        }
        throw new ParquetException($"level encoding {encoding} is not supported");
    }

    private static void CheckLevels(ReadOnlySpan<int> levels, int max) => LevelScanner.CheckMax(levels, max);

    private void DecodeValues(ReadOnlySpan<byte> data, ParquetEncoding encoding, ParquetSchemaNode leaf, ParquetPhysicalType type, int count, LeafChunk output)
    {
        var values = output.Values;
        int typeLength = leaf.Element.TypeLength;
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                if (type == ParquetPhysicalType.ByteArray && values.Count == 0 && values.HeapLength == 0
                    && ((ReadOnlySpan<byte>)_page).Overlaps(data, out int at))
                {
                    // A flat column's first page of byte arrays: the decompressed page itself becomes the heap
                    // (the buffers swap), so the values are not copied; the page is not read again after this.
                    int used = ValueDecoder.IndexPlainByteArrays(data, count, values, at);
                    (values.Heap, _page) = (_page, values.Heap);
                    values.HeapLength = at + used;
                    values.Count = count;
                }
                else
                {
                    ValueDecoder.DecodePlain(type, typeLength, data, count, values);
                }
                break;
            case ParquetEncoding.PlainDictionary:
            case ParquetEncoding.RleDictionary:
                DecodeDictionaryIndices(data, count, output, type);
                break;
            case ParquetEncoding.Rle when type == ParquetPhysicalType.Boolean:
            {
                if (data.Length < 4)
                    throw new ParquetException("RLE boolean section ends early");
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(data);
                if (len > (uint)(data.Length - 4))
                    throw new ParquetException("RLE boolean section runs past the page");
                LeafChunk.Ensure(ref output.Indices, count);
                var idx = output.Indices.AsSpan(0, count);
                RleBitPackedDecoder.Decode(data.Slice(4, (int)len), 1, idx);
                var o = values.AppendInts(count);
                for (int i = 0; i < count; i++)
                    o[i] = idx[i];
                break;
            }
            case ParquetEncoding.DeltaBinaryPacked:
                ValueDecoder.DecodeDeltaBinaryPacked(type, data, count, values);
                break;
            case ParquetEncoding.DeltaLengthByteArray when type == ParquetPhysicalType.ByteArray:
                ValueDecoder.DecodeDeltaLengthByteArray(data, count, values);
                break;
            case ParquetEncoding.DeltaByteArray when type is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray:
                ValueDecoder.DecodeDeltaByteArray(data, count, values, _maxBytes);
                break;
            case ParquetEncoding.ByteStreamSplit:
                ValueDecoder.DecodeByteStreamSplit(type, typeLength, data, count, values);
                break;
            default:
                throw new ParquetException($"encoding {encoding} is not supported for {type} values");
        }
    }

    private static void DecodeDictionaryIndices(ReadOnlySpan<byte> data, int count, LeafChunk output, ParquetPhysicalType type)
    {
        if (!output.HasDictionary)
            throw new ParquetException("dictionary-encoded page without a dictionary page");
        if (count == 0)
            return;
        if (data.Length < 1)
            throw new ParquetException("dictionary index section ends early");
        int bw = data[0];
        if (bw > 32)
            throw new ParquetException($"dictionary index bit width {bw} is out of range");
        LeafChunk.Ensure(ref output.Indices, count);
        var idx = output.Indices.AsSpan(0, count);
        RleBitPackedDecoder.Decode(data[1..], bw, idx);
        var dict = output.Dictionary;
        int dictCount = dict.Count;
        foreach (int i in idx)
            if ((uint)i >= (uint)dictCount)
                throw new ParquetException($"dictionary index {i} is out of range (the dictionary has {dictCount} values)");
        var values = output.Values;
        if (type is ParquetPhysicalType.Boolean or ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64)
        {
            var o = values.AppendInts(count);
            var d = dict.Ints;
            for (int k = 0; k < count; k++)
                o[k] = d[idx[k]];
        }
        else if (type is ParquetPhysicalType.Float or ParquetPhysicalType.Double)
        {
            var o = values.AppendDoubles(count);
            var d = dict.Doubles;
            for (int k = 0; k < count; k++)
                o[k] = d[idx[k]];
        }
        else
        {
            values.AddDictionaryReferences(idx);
        }
    }
}
