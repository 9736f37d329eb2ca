using System.Buffers;
using System.Text;
using System.Text.Json;
using Trawl.Store.Datasets;

namespace Trawl.Store.Tests.Datasets;

public sealed class StoredValueJsonTests
{
    private static string Write(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
            StoredValueJson.Write(w, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Values_keep_their_json_types()
    {
        Assert.Equal("null", Write(null));
        Assert.Equal("42", Write(42L));
        Assert.Equal("0.5", Write(0.5));
        Assert.Equal("true", Write(true));
        Assert.Equal("\"a\"", Write("a"));
    }

    [Fact]
    public void Blobs_are_datasette_base64_objects() =>
        Assert.Equal("{\"$base64\":true,\"encoded\":\"AQI=\"}", Write(new byte[] { 1, 2 }));

    [Fact]
    public void Non_finite_reals_are_strings_that_say_which()
    {
        Assert.Equal("\"NaN\"", Write(double.NaN));
        Assert.Equal("\"Infinity\"", Write(double.PositiveInfinity));
        Assert.Equal("\"-Infinity\"", Write(float.NegativeInfinity));
    }

    [Fact]
    public void Sql_type_names_round_trip_and_only_integer_and_real_are_numeric()
    {
        foreach (var type in Enum.GetValues<SqlType>())
            Assert.Equal(type, SqlTypes.Parse(type.Name()));
        Assert.Equal(SqlType.Text, SqlTypes.Parse("VARCHAR(10)"));
        Assert.Equal([SqlType.Integer, SqlType.Real], Enum.GetValues<SqlType>().Where(t => t.IsNumeric()));
    }
}
