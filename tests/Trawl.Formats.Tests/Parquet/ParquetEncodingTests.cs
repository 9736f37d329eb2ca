using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Encodings;

namespace Trawl.Formats.Tests.Parquet;

public sealed class ParquetEncodingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(32)]
    public void Bit_packed_run_unpacks_every_width(int bitWidth)
    {
        var rnd = new Random(bitWidth);
        int[] values = Enumerable.Range(0, 203).Select(_ => (int)(rnd.NextInt64(0, 1L << bitWidth))).ToArray();
        byte[] run = TestParquetWriter.BitPackedRun(values, bitWidth);
        int[] output = new int[values.Length];
        RleBitPackedDecoder.Decode(run, bitWidth, output);
        Assert.Equal(values, output);
    }

    [Fact]
    public void Rle_runs_and_bit_packed_runs_mix()
    {
        // RLE run of 5 sevens (header 5<<1, value byte), then a bit-packed group of 8 values 0..7 at width 3.
        int[] packed = [0, 1, 2, 3, 4, 5, 6, 7];
        byte[] data = [10, 7, .. TestParquetWriter.BitPackedRun(packed, 3)];
        int[] output = new int[13];
        RleBitPackedDecoder.Decode(data, 3, output);
        Assert.Equal([7, 7, 7, 7, 7, 0, 1, 2, 3, 4, 5, 6, 7], output);
        Assert.Throws<ParquetException>(() => RleBitPackedDecoder.Decode(data, 3, new int[30]));
    }

    [Fact]
    public void Delta_binary_packed_round_trips_through_a_hand_built_block()
    {
        // Header: block 128, 4 miniblocks, 5 values, first value 7 (zigzag 14); block: min delta -2 (zigzag 3), widths [3,0,0,0], then 32 values of 3 bits.
        long[] deltas = [1, -2, 0, 3];
        int[] packed = deltas.Select(d => (int)(d - -2)).ToArray();
        byte[] mini = TestParquetWriter.BitPackedRun(packed, 3)[1..];
        Array.Resize(ref mini, 32 * 3 / 8);
        byte[] data = [0x80, 0x01, 4, 5, 14, 3, 3, 0, 0, 0, .. mini];
        long[] output = new long[5];
        int used = DeltaBinaryPackedDecoder.Decode(data, output);
        Assert.Equal([7L, 8, 6, 6, 9], output);
        Assert.Equal(data.Length, used);
        Assert.Throws<ParquetException>(() => DeltaBinaryPackedDecoder.Decode(data, new long[6]));
        Assert.Throws<ParquetException>(() => DeltaBinaryPackedDecoder.Decode(data.AsSpan(0, 10), output));
    }

    [Fact]
    public void Legacy_bit_packed_levels_are_msb_first()
    {
        // Width 1, values 1,0,1,1,0,0,0,1 -> 0b10110001.
        int[] output = new int[8];
        BitUnpacker.UnpackMsbFirst([0b1011_0001], 1, output);
        Assert.Equal([1, 0, 1, 1, 0, 0, 0, 1], output);
    }

    [Fact]
    public void Byte_stream_split_interleaves_bytes_of_doubles()
    {
        double[] values = [1.5, -2.25, 1e300];
        byte[] plain = values.SelectMany(BitConverter.GetBytes).ToArray();
        byte[] split = new byte[plain.Length];
        for (int i = 0; i < values.Length; i++)
            for (int b = 0; b < 8; b++)
                split[b * values.Length + i] = plain[i * 8 + b];
        var lv = new LeafValues();
        ValueDecoder.DecodeByteStreamSplit(Trawl.Formats.Parquet.Metadata.ParquetPhysicalType.Double, 0, split, values.Length, lv);
        Assert.Equal(values, lv.Doubles.Take(3));
    }

    [Fact]
    public void Unpack32_reads_the_last_values_of_an_exactly_sized_run_like_a_bit_by_bit_reader()
    {
        var rng = new Random(5);
        for (int width = 1; width <= 32; width++)
        {
            for (int n = 1; n <= 40; n += 3)
            {
                byte[] src = new byte[(n * width + 7) / 8];
                rng.NextBytes(src);
                var output = new int[n];
                BitUnpacker.Unpack32(src, width, output);
                for (int i = 0; i < n; i++)
                {
                    long v = 0;
                    for (int k = 0; k < width; k++)
                    {
                        long bit = (long)i * width + k;
                        if (((src[bit >> 3] >> (int)(bit & 7)) & 1) != 0)
                            v |= 1L << k;
                    }
                    Assert.Equal((int)v, output[i]);
                }
            }
        }
    }
}
