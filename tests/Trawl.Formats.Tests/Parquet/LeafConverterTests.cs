using System.Text;
using Trawl.Formats.Parquet;
using Trawl.Formats.Parquet.Assembly;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Tests.Parquet;

public sealed class LeafConverterTests
{
    private static LeafConverter Converter(ParquetPhysicalType type, ParquetLogicalType? logical = null, ParquetConvertedType converted = ParquetConvertedType.None, int typeLength = 0, int scale = 0)
    {
        var root = new ParquetSchemaNode(new ParquetSchemaElement { Name = "schema", NumChildren = 1 }, null);
        var leaf = new ParquetSchemaNode(new ParquetSchemaElement
        {
            Name = "x", Type = type, LogicalType = logical, ConvertedType = converted, TypeLength = typeLength, Scale = scale,
            Repetition = ParquetRepetition.Optional,
        }, root);
        return new LeafConverter(leaf);
    }

    private static (ValueKind Kind, object? Value) Convert(LeafConverter c, LeafValues v, int i = 0)
    {
        var col = new ColumnValues(4);
        c.Append(v, i, col);
        return (col.KindAt(0), col.ValueAt(0));
    }

    private static LeafValues Ints(params long[] values)
    {
        var v = new LeafValues();
        values.CopyTo(v.AppendInts(values.Length));
        return v;
    }

    private static LeafValues Bytes(params byte[][] values)
    {
        var v = new LeafValues();
        foreach (var b in values)
        {
            v.ReserveBytes(1, b.Length);
            v.AddBytes(b);
        }
        return v;
    }

    [Theory]
    [InlineData(1, 1_700_000_000_123L, false, "2023-11-14T22:13:20.123")]
    [InlineData(2, 1_700_000_000_000_100L, true, "2023-11-14T22:13:20.0001Z")]
    [InlineData(3, -1L, false, "1969-12-31T23:59:59.999999999")]
    [InlineData(2, 0L, true, "1970-01-01T00:00:00Z")]
    public void Timestamps_become_iso_8601_with_z_only_when_adjusted_to_utc(int unitId, long value, bool utc, string expected)
    {
        var unit = (ParquetTimeUnit)unitId;
        var c = Converter(ParquetPhysicalType.Int64, new ParquetLogicalType(ParquetLogicalKind.Timestamp, IsAdjustedToUtc: utc, Unit: unit));
        Assert.Equal(ColumnType.Timestamp, c.ColumnType);
        Assert.Equal((ValueKind.Text, expected), Convert(c, Ints(value)));
    }

    [Fact]
    public void Dates_times_and_uuids_are_formatted_text()
    {
        var date = Converter(ParquetPhysicalType.Int32, new ParquetLogicalType(ParquetLogicalKind.Date));
        Assert.Equal(ColumnType.Date, date.ColumnType);
        Assert.Equal((ValueKind.Text, "2024-02-29"), Convert(date, Ints(19782)));
        Assert.Equal((ValueKind.Text, "1969-12-31"), Convert(date, Ints(-1)));

        var time = Converter(ParquetPhysicalType.Int64, new ParquetLogicalType(ParquetLogicalKind.Time, Unit: ParquetTimeUnit.Micros));
        Assert.Equal((ValueKind.Text, "13:04:05.5"), Convert(time, Ints((13 * 3600 + 4 * 60 + 5) * 1_000_000L + 500_000)));

        var uuid = Converter(ParquetPhysicalType.FixedLenByteArray, new ParquetLogicalType(ParquetLogicalKind.Uuid), typeLength: 16);
        byte[] g = Enumerable.Range(0, 16).Select(i => (byte)(i * 17)).ToArray();
        Assert.Equal((ValueKind.Text, "00112233-4455-6677-8899-aabbccddeeff"), Convert(uuid, Bytes(g)));
    }

    [Theory]
    [InlineData(12345L, 2, "123.45")]
    [InlineData(-5L, 3, "-0.005")]
    [InlineData(long.MinValue, 0, "-9223372036854775808")]
    [InlineData(7L, 0, "7")]
    public void Integer_decimals_are_exact_json_numbers(long unscaled, int scale, string expected)
    {
        var c = Converter(ParquetPhysicalType.Int64, new ParquetLogicalType(ParquetLogicalKind.Decimal, Scale: scale, Precision: 18));
        Assert.Equal((ValueKind.Json, expected), Convert(c, Ints(unscaled)));
    }

    [Fact]
    public void Wide_byte_array_decimals_keep_every_digit()
    {
        var c = Converter(ParquetPhysicalType.FixedLenByteArray, new ParquetLogicalType(ParquetLogicalKind.Decimal, Scale: 10, Precision: 38), typeLength: 16);
        var big = System.Numerics.BigInteger.Parse("-12345678901234567890123456789");
        byte[] be = big.ToByteArray(isUnsigned: false, isBigEndian: true);
        byte[] fixed16 = Enumerable.Repeat((byte)0xFF, 16 - be.Length).Concat(be).ToArray();
        Assert.Equal((ValueKind.Json, "-1234567890123456789.0123456789"), Convert(c, Bytes(fixed16)));
    }

    [Fact]
    public void Unsigned_64_bit_values_beyond_long_become_doubles()
    {
        var c = Converter(ParquetPhysicalType.Int64, new ParquetLogicalType(ParquetLogicalKind.Integer, BitWidth: 64, IsSigned: false));
        Assert.Equal((ValueKind.Int64, (object)5L), Convert(c, Ints(5)));
        Assert.Equal((ValueKind.Double, (object)18446744073709551615.0), Convert(c, Ints(-1)));
        var u32 = Converter(ParquetPhysicalType.Int32, converted: ParquetConvertedType.UInt32);
        Assert.Equal((ValueKind.Int64, (object)4294967295L), Convert(u32, Ints(-1)));
    }

    [Fact]
    public void Float16_and_json_and_strings_map_to_their_lanes()
    {
        var half = Converter(ParquetPhysicalType.FixedLenByteArray, new ParquetLogicalType(ParquetLogicalKind.Float16), typeLength: 2);
        Assert.Equal((ValueKind.Double, (object)1.5), Convert(half, Bytes([0x00, 0x3E])));

        var json = Converter(ParquetPhysicalType.ByteArray, new ParquetLogicalType(ParquetLogicalKind.Json));
        Assert.Equal((ValueKind.Json, "{\"a\":[1,2]}"), Convert(json, Bytes(Encoding.UTF8.GetBytes("{\"a\":[1,2]}"))));
        // Not JSON after all: kept, as text.
        Assert.Equal((ValueKind.Text, "{oops"), Convert(json, Bytes(Encoding.UTF8.GetBytes("{oops"))));

        var text = Converter(ParquetPhysicalType.ByteArray, converted: ParquetConvertedType.Utf8);
        Assert.Equal((ValueKind.Text, "ünï"), Convert(text, Bytes(Encoding.UTF8.GetBytes("ünï"))));
        var binary = Converter(ParquetPhysicalType.ByteArray);
        Assert.Equal(ValueKind.Binary, Convert(binary, Bytes([1, 2, 3])).Kind);
    }

    [Fact]
    public void Int96_timestamps_decode_julian_day_and_nanoseconds()
    {
        // 2009-03-01T00:01:00: Julian day 2454892, 60 s into the day.
        byte[] b = new byte[12];
        BitConverter.GetBytes(60_000_000_000L).CopyTo(b, 0);
        BitConverter.GetBytes(2454892).CopyTo(b, 8);
        var c = Converter(ParquetPhysicalType.Int96);
        Assert.Equal((ValueKind.Text, "2009-03-01T00:01:00"), Convert(c, Bytes(b)));
    }

    private static byte[] Int96(long nanos, int julianDay)
    {
        byte[] b = new byte[12];
        BitConverter.GetBytes(nanos).CopyTo(b, 0);
        BitConverter.GetBytes(julianDay).CopyTo(b, 8);
        return b;
    }

    /// <summary>The bug: INT96 values outside .NET's DateTime range (year 226414 BC, year 52951) printed
    /// "out of range" where DuckDB prints the date.</summary>
    [Theory]
    [InlineData(0L, -80_974_439, "226414-06-01T00:00:00 (BC)")]
    [InlineData(0L, 21_061_167, "52951-06-01T00:00:00")]
    [InlineData(0L, 1_721_426, "0001-01-01T00:00:00")]
    [InlineData(0L, 1_721_425, "0001-12-31T00:00:00 (BC)")]
    [InlineData(-1_000_000_000L, 2_440_588, "1969-12-31T23:59:59")]
    [InlineData(86_400_000_000_000L + 1_000_000_000L, 2_440_588, "1970-01-02T00:00:01")]
    public void Int96_timestamps_outside_dotnet_range_print_the_date_as_duckdb_does(long nanos, int julianDay, string start)
    {
        var c = Converter(ParquetPhysicalType.Int96);
        var (kind, value) = Convert(c, Bytes(Int96(nanos, julianDay)));
        Assert.Equal(ValueKind.Text, kind);
        Assert.True(((string)value!).StartsWith(start, StringComparison.Ordinal), (string)value!);
        Assert.DoesNotContain("out of range", (string)value!);
    }

    [Fact]
    public void Int96_timestamps_in_years_before_christ_say_bc()
    {
        var c = Converter(ParquetPhysicalType.Int96);
        var (_, value) = Convert(c, Bytes(Int96(0, -80_974_439)));
        Assert.EndsWith(" (BC)", (string)value!);
        // Every day is a real date: month and day in range, checked on a sweep of far days against the formula's inverse.
        for (long days = -3_000_000_000; days <= 3_000_000_000; days += 7_777_777)
        {
            var (_, text) = Convert(c, Bytes(Int96(0, (int)Math.Clamp(days, int.MinValue, int.MaxValue))));
            string s = (string)text!;
            string[] parts = s.Split('T')[0].Split('-');
            Assert.InRange(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), 1, 12);
            Assert.InRange(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), 1, 31);
        }
    }
}
