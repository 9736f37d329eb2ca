using System.Buffers;
using System.Text;
using System.Text.Json;
using Trawl.Server.Output;

namespace Trawl.Server.Tests.Output;

public sealed class JsonValuesTests
{
    private static string Write(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonValues.WriterOptions))
            JsonValues.Write(w, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Values_keep_their_json_types()
    {
        Assert.Equal("null", Write(null));
        Assert.Equal("42", Write(42L));
        Assert.Equal("0.5", Write(0.5));
        Assert.Equal("\"é \\\"q\\\"\"", Write("é \"q\""));
        Assert.Equal("{\"$base64\":true,\"encoded\":\"AQI=\"}", Write(new byte[] { 1, 2 }));
    }

    [Fact]
    public void Non_finite_doubles_become_strings() => Assert.Equal("\"NaN\"", Write(double.NaN));
}
