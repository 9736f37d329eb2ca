using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Compression;
using Trawl.Formats.Parquet.Metadata;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>Random and damaged input to the low-level decoders: a <see cref="ParquetException"/> or a result, nothing else.</summary>
public sealed class ParquetFuzzTests
{
    [Fact]
    public void Random_bytes_as_a_footer_or_page_header_fail_cleanly()
    {
        var rnd = new Random(11);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] b = new byte[rnd.Next(1, 200)];
            rnd.NextBytes(b);
            try { ParquetMetadataParser.ParseFileMetadata(b); } catch (ParquetException) { }
            try { ParquetMetadataParser.ParsePageHeader(b, out _); } catch (ParquetException) { }
        }
    }

    [Fact]
    public void Damaged_snappy_and_lz4_blocks_fail_cleanly()
    {
        var rnd = new Random(12);
        byte[] text = System.Text.Encoding.ASCII.GetBytes(string.Join(" ", Enumerable.Range(0, 400).Select(i => "word" + (i % 37))));
        byte[] snappy = Snappier.Snappy.CompressToArray(text);
        byte[] dst = new byte[text.Length];
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bad = (byte[])snappy.Clone();
            bad[rnd.Next(bad.Length)] ^= (byte)(1 << rnd.Next(8));
            try { SnappyDecoder.Decompress(bad, dst); } catch (ParquetException) { }
            // The same bytes as LZ4 (raw and legacy framing): nonsense, so they must be refused or decode within bounds.
            try { Lz4Decoder.DecompressRaw(bad, dst); } catch (ParquetException) { }
            try { Lz4Decoder.DecompressLegacy(bad, dst); } catch (ParquetException) { }
        }
    }

    [Fact]
    public void Random_bytes_behind_a_zstd_magic_fail_cleanly()
    {
        var rnd = new Random(13);
        byte[] dst = new byte[4096];
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] b = new byte[rnd.Next(5, 300)];
            rnd.NextBytes(b);
            b[0] = 0x28; b[1] = 0xB5; b[2] = 0x2F; b[3] = 0xFD;
            b[4] &= 0xF7; // clear the reserved bit so decoding goes further in
            try { ZstdDecoder.Decompress(b, dst); } catch (ParquetException) { }
        }
    }
}
