using System.IO.Compression;
using System.Text;

namespace Trawl.Formats.Tests.Warc;

/// <summary>Writes WARC records as a crawler would, for the tests (each record its own gzip member when compressed).</summary>
internal sealed class WarcFileWriter
{
    private readonly List<byte[]> _records = [];

    public WarcFileWriter Record(string type, byte[] payload, string? contentType = null, string? uri = null, string? id = null, long? declaredLength = null)
    {
        var head = new StringBuilder("WARC/1.0\r\n");
        head.Append("WARC-Type: ").Append(type).Append("\r\n");
        head.Append("WARC-Record-ID: <urn:uuid:").Append(id ?? Guid.NewGuid().ToString()).Append(">\r\n");
        head.Append("WARC-Date: 2023-06-01T12:00:00Z\r\n");
        if (uri is not null)
            head.Append("WARC-Target-URI: ").Append(uri).Append("\r\n");
        if (contentType is not null)
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        head.Append("Content-Length: ").Append(declaredLength ?? payload.Length).Append("\r\n\r\n");
        _records.Add([.. Encoding.UTF8.GetBytes(head.ToString()), .. payload, .. "\r\n\r\n"u8]);
        return this;
    }

    public WarcFileWriter Record(string type, string payload, string? contentType = null, string? uri = null) =>
        Record(type, Encoding.UTF8.GetBytes(payload), contentType, uri);

    public static byte[] Http(int status, string contentType, byte[] body, params string[] headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} OK\r\nContent-Type: {contentType}\r\n");
        foreach (string h in headers)
            head.Append(h).Append("\r\n");
        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
    }

    public static byte[] Chunked(byte[] body, int chunk)
    {
        var output = new MemoryStream();
        for (int i = 0; i < body.Length; i += chunk)
        {
            int n = Math.Min(chunk, body.Length - i);
            output.Write(Encoding.ASCII.GetBytes($"{n:x};ext=1\r\n"));
            output.Write(body, i, n);
            output.Write("\r\n"u8);
        }
        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        return output.ToArray();
    }

    public byte[] Plain() => [.. _records.SelectMany(r => r)];

    /// <summary>One gzip member per record, as Common Crawl writes them.</summary>
    public byte[] GzipPerRecord() => [.. _records.SelectMany(Gzip)];
}
