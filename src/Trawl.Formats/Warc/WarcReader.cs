using System.Text;
using Trawl.Formats.Compression;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Warc;

/// <summary>
/// WARC 1.0/1.1 files and Common Crawl's WET and WAT (<c>.warc</c>, <c>.warc.gz</c>, <c>.warc.wet.gz</c>,
/// <c>.warc.wat.gz</c>, or zstd): one row per record with its type, id, date, target URI, content
/// type and length; for HTTP responses the status, the response's content type, the HTML title and
/// the body as text (or readable text with <see cref="TableReaderOptions.HtmlToText"/>); for WET
/// conversions, WAT metadata and other records the payload as it is. Records stream through a
/// bounded window (gzip members one after another); a payload above
/// <see cref="TableReaderOptions.MaxRecordBytes"/> keeps its first bytes, the rest is skipped.
/// </summary>
public sealed class WarcReader : ITableReader
{
    private const int MaxHeaderBytes = 1 << 20;
    private const long MaxBatchTextBytes = 64L << 20;

    private static readonly string[] Names =
        ["warc_type", "record_id", "date", "target_uri", "content_type", "content_length", "http_status", "http_content_type", "title", "text"];
    private static readonly ColumnType[] Types =
        [ColumnType.Text, ColumnType.Text, ColumnType.Timestamp, ColumnType.Text, ColumnType.Text, ColumnType.Int64, ColumnType.Int64, ColumnType.Text, ColumnType.Text, ColumnType.Text];

    private readonly SourceStream _source;
    private readonly SourceBuffer _buffer;
    private readonly TableReaderOptions _options;
    private readonly int[] _output; // for each WarcColumn, its position in the batch or -1
    private readonly WarcHeaders _headers = new();
    private readonly HttpPayload _http = new();
    private long _record;
    private long _rows;

    private WarcReader(string path, TableReaderOptions options)
    {
        Path = path;
        _options = options;
        _source = SourceStream.Open(path);
        _buffer = new SourceBuffer(_source, 1 << 18);
        int[] picked = ColumnProjection.Resolve(path, Names, options.Columns);
        _output = ColumnProjection.OutputPositions(Names.Length, picked);
        Schema = new TableSchema(picked.Select(i => new ColumnSchema(Names[i], Types[i], "WARC")));
    }

    public static WarcReader Open(string path, TableReaderOptions options) => new(path, options);

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => null;
    public long BytesRead => _source.BytesRead;
    public long BytesTotal => _source.BytesTotal;

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        batch.Clear();
        batch.FirstRow = _rows;
        long textBytes = 0;
        while (batch.RowCount < maxRows && textBytes < MaxBatchTextBytes)
        {
            if (!ReadRecord(batch))
                break;
            batch.RowCount++;
            textBytes += _output[(int)WarcColumn.Text] >= 0 ? batch.Columns[_output[(int)WarcColumn.Text]].ByteCount : 0;
        }
        _rows += batch.RowCount;
        return batch.RowCount > 0;
    }

    private bool ReadRecord(ColumnBatch batch)
    {
        // Records are separated by CRLF CRLF; tolerate any run of line ends.
        while (true)
        {
            var data = _buffer.Data;
            int skip = 0;
            while (skip < data.Length && data[skip] is (byte)'\r' or (byte)'\n')
                skip++;
            _buffer.Advance(skip);
            if (skip < data.Length)
                break;
            if (!_buffer.ReadMore())
                return false;
        }
        long recordOffset = _buffer.Offset;
        _record++;
        while (_buffer.Data.Length < 5 && _buffer.ReadMore()) { }
        if (!_buffer.Data.StartsWith("WARC/"u8))
            throw Error($"record {_record} does not start with 'WARC/' (not a WARC file, or a gzip member that holds something else)", recordOffset);

        int headerEnd, bodyStart;
        while (true)
        {
            var data = _buffer.Data;
            int crlf = data.IndexOf("\r\n\r\n"u8);
            int lf = data.IndexOf("\n\n"u8);
            if (crlf >= 0 && (lf < 0 || crlf < lf))
            {
                headerEnd = crlf;
                bodyStart = crlf + 4;
                break;
            }
            if (lf >= 0)
            {
                headerEnd = lf;
                bodyStart = lf + 2;
                break;
            }
            if (data.Length > MaxHeaderBytes)
                throw Error($"record {_record}: the header block is longer than {MaxHeaderBytes >> 20} MB", recordOffset);
            if (!_buffer.ReadMore())
                throw Error($"record {_record}: the file ends inside the record's header block (truncated?)", recordOffset);
        }
        var block = _buffer.Data[..headerEnd];
        int firstLine = block.IndexOf((byte)'\n');
        if (!_headers.Parse(firstLine < 0 ? default : block[(firstLine + 1)..], out string bad))
            throw Error($"record {_record}: a header line has no ':' ('{bad}')", recordOffset);
        string? lengthText = _headers["Content-Length"];
        if (lengthText is null || !long.TryParse(lengthText, out long contentLength) || contentLength < 0)
            throw Error($"record {_record}: missing or invalid Content-Length ('{lengthText}')", recordOffset);
        _buffer.Advance(bodyStart);

        long payloadOffset = _buffer.Offset;
        int keep = (int)Math.Min(contentLength, _options.MaxRecordBytes);
        while (_buffer.Data.Length < keep)
        {
            if (!_buffer.ReadMore())
                throw Error($"record {_record}: Content-Length {contentLength:N0} runs past the end of the file ({_buffer.Data.Length:N0} bytes left; truncated?)", payloadOffset);
        }
        Emit(batch, contentLength, _buffer.Data[..keep]);
        _buffer.Advance(keep);
        long skipBytes = contentLength - keep;
        while (skipBytes > 0)
        {
            if (_buffer.Data.IsEmpty && !_buffer.ReadMore())
                throw Error($"record {_record}: Content-Length {contentLength:N0} runs past the end of the file (truncated?)", payloadOffset);
            int n = (int)Math.Min(skipBytes, _buffer.Data.Length);
            _buffer.Advance(n);
            skipBytes -= n;
        }
        return true;
    }

    private void Emit(ColumnBatch batch, long contentLength, ReadOnlySpan<byte> payload)
    {
        string? type = _headers["WARC-Type"];
        string? contentType = _headers["Content-Type"];
        Put(batch, WarcColumn.WarcType, type);
        Put(batch, WarcColumn.RecordId, _headers["WARC-Record-ID"]);
        Put(batch, WarcColumn.Date, _headers["WARC-Date"]);
        Put(batch, WarcColumn.TargetUri, _headers["WARC-Target-URI"]?.Trim('<', '>'));
        Put(batch, WarcColumn.ContentType, contentType);
        PutInt(batch, WarcColumn.ContentLength, contentLength);

        bool http = type is "response" && contentType is not null && contentType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase);
        if (http && _http.Parse(payload, _options.MaxRecordBytes))
        {
            PutInt(batch, WarcColumn.HttpStatus, _http.Status);
            string? bodyType = _http.ContentType;
            Put(batch, WarcColumn.HttpContentType, bodyType);
            bool html = bodyType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? LooksLikeHtml(_http.Body);
            bool textual = html || bodyType is null || IsTextual(bodyType);
            string? body = textual && _http.Problem is null ? Decode(_http.Body, bodyType) : null;
            Put(batch, WarcColumn.Title, html && body is not null ? HtmlText.Title(body) : null);
            Put(batch, WarcColumn.Text, body is not null && html && _options.HtmlToText ? HtmlText.ToText(body) : body);
            return;
        }
        PutInt(batch, WarcColumn.HttpStatus, null);
        Put(batch, WarcColumn.HttpContentType, null);
        Put(batch, WarcColumn.Title, null);
        // Requests keep no text; WET conversions, WAT metadata, warcinfo and resources keep their payload.
        bool keepPayload = type is not "request" and not "response" && (contentType is null || IsTextual(contentType));
        if (!keepPayload)
        {
            Put(batch, WarcColumn.Text, null);
            return;
        }
        int t = _output[(int)WarcColumn.Text];
        if (t < 0)
            return;
        if (System.Text.Unicode.Utf8.IsValid(payload))
            batch.Columns[t].AppendText(payload);
        else
            batch.Columns[t].AppendText(Encoding.UTF8.GetString(payload));
    }

    private static bool IsTextual(string contentType) =>
        contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/warc-fields", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("message/", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeHtml(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, 512)];
        return head.IndexOf("<html"u8) >= 0 || head.IndexOf("<HTML"u8) >= 0 || head.IndexOf("<!DOCTYPE"u8) >= 0 || head.IndexOf("<!doctype"u8) >= 0;
    }

    /// <summary>The body as a string: UTF-8 unless the content type names a Latin-1 family charset (invalid bytes become U+FFFD).</summary>
    private static string Decode(ReadOnlySpan<byte> body, string? contentType)
    {
        if (contentType is not null)
        {
            int cs = contentType.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
            if (cs >= 0)
            {
                string charset = contentType[(cs + 8)..].Trim().Trim('"', '\'').ToLowerInvariant();
                if (charset.StartsWith("iso-8859-1") || charset.StartsWith("latin1") || charset.StartsWith("windows-1252"))
                    return Encoding.Latin1.GetString(body);
            }
        }
        return Encoding.UTF8.GetString(body);
    }

    private void Put(ColumnBatch batch, WarcColumn column, string? value)
    {
        int c = _output[(int)column];
        if (c < 0)
            return;
        if (value is null)
            batch.Columns[c].AppendNull();
        else
            batch.Columns[c].AppendText(value);
    }

    private void PutInt(ColumnBatch batch, WarcColumn column, long? value)
    {
        int c = _output[(int)column];
        if (c < 0)
            return;
        if (value is null)
            batch.Columns[c].AppendNull();
        else
            batch.Columns[c].AppendInt64(value.Value);
    }

    private DataFormatException Error(string problem, long offset) =>
        new(Path, problem + (_source.Compression == CompressionKind.None ? "" : $" [offset {offset:N0} in the decompressed data, near byte {_source.BytesRead:N0} of the file]"), row: _record - 1, byteOffset: _source.Compression == CompressionKind.None ? offset : null);

    public void Dispose()
    {
        _buffer.Dispose();
        _source.Dispose();
    }
}
