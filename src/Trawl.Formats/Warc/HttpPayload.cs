using System.Buffers.Text;
using System.IO.Compression;

namespace Trawl.Formats.Warc;

/// <summary>
/// The HTTP message inside a WARC response record: status line, headers and body, with a chunked
/// transfer encoding undone and a gzip/deflate/br content encoding decompressed (bounded by a limit),
/// because crawlers store the bytes as the server sent them.
/// </summary>
internal sealed class HttpPayload
{
    public readonly WarcHeaders Headers = new();
    private readonly MemoryStream _body = new();

    public int? Status { get; private set; }

    public string? ContentType => Headers["Content-Type"];

    /// <summary>The decoded body; valid until the next <see cref="Parse"/>.</summary>
    public ReadOnlySpan<byte> Body => _body.GetBuffer().AsSpan(0, (int)_body.Length);

    /// <summary>Why the body could not be decoded, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads a response; returns false (with <see cref="Problem"/>) when it is not an HTTP response.</summary>
    public bool Parse(ReadOnlySpan<byte> message, int maxBodyBytes)
    {
        Status = null;
        Problem = null;
        _body.SetLength(0);
        Headers.Clear();
        if (!message.StartsWith("HTTP/"u8))
        {
            Problem = "the payload is not an HTTP response";
            return false;
        }
        int end = HeaderEnd(message, out int bodyStart);
        if (end < 0)
        {
            Problem = "the HTTP headers do not end";
            return false;
        }
        var head = message[..end];
        int nl = head.IndexOf((byte)'\n');
        var statusLine = nl < 0 ? head : head[..nl];
        int sp = statusLine.IndexOf((byte)' ');
        if (sp > 0 && statusLine.Length >= sp + 4 && Utf8Parser.TryParse(statusLine.Slice(sp + 1, 3), out int status, out int used) && used == 3)
            Status = status;
        Headers.Parse(nl < 0 ? default : head[(nl + 1)..], out _);
        var body = message[bodyStart..];
        try
        {
            byte[]? dechunked = null;
            if (Headers["Transfer-Encoding"] is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                dechunked = Dechunk(body, maxBodyBytes);
                if (dechunked is null)
                {
                    Problem = "the chunked body is malformed";
                    return true;
                }
                body = dechunked;
            }
            string? encoding = Headers["Content-Encoding"]?.Trim().ToLowerInvariant();
            Stream? decoder = encoding switch
            {
                "gzip" or "x-gzip" => new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress),
                "deflate" => new ZLibStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress),
                "br" => new BrotliStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress),
                _ => null,
            };
            if (decoder is null)
            {
                _body.Write(body[..Math.Min(body.Length, maxBodyBytes)]);
                return true;
            }
            using (decoder)
            {
                byte[] buffer = new byte[1 << 14];
                int n;
                while (_body.Length < maxBodyBytes && (n = decoder.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBodyBytes - _body.Length))) > 0)
                    _body.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            Problem = "the " + Headers["Content-Encoding"] + " body does not decompress (" + e.Message.TrimEnd('.') + ")";
            _body.SetLength(0);
        }
        return true;
    }

    private static int HeaderEnd(ReadOnlySpan<byte> message, out int bodyStart)
    {
        int crlf = message.IndexOf("\r\n\r\n"u8);
        int lf = message.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            bodyStart = crlf + 4;
            return crlf;
        }
        bodyStart = lf + 2;
        return lf;
    }

    /// <summary>Undoes chunked transfer coding; null when a chunk size is malformed or runs past the data.</summary>
    private static byte[]? Dechunk(ReadOnlySpan<byte> body, int maxBytes)
    {
        var output = new MemoryStream();
        while (true)
        {
            int nl = body.IndexOf((byte)'\n');
            if (nl < 0)
                return null;
            var sizeText = body[..nl].TrimEnd((byte)'\r');
            int semi = sizeText.IndexOf((byte)';');
            if (semi >= 0)
                sizeText = sizeText[..semi];
            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out long size, out int used, 'x') || used != sizeText.Trim((byte)' ').Length || size < 0)
                return null;
            body = body[(nl + 1)..];
            if (size == 0)
                return output.ToArray();
            if (size > body.Length)
                return null;
            if (output.Length < maxBytes)
                output.Write(body[..(int)Math.Min(size, maxBytes - output.Length)]);
            body = body[(int)size..];
            if (body.StartsWith("\r\n"u8))
                body = body[2..];
            else if (body.StartsWith("\n"u8))
                body = body[1..];
        }
    }
}
