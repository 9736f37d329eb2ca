using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Trawl.ClickHouse.Engines;

/// <summary>
/// A ClickHouse server through its HTTP interface: the statement in the request body (or, for inserts, the URL), settings as
/// URL parameters, results read as JSONCompact, rows sent as RowBinary in a streamed request body. Written for the HTTP
/// interface every version has: ClickHouse.Driver 1.5.0 sends settings an 18.16 server rejects
/// (<c>output_format_binary_write_json_as_string</c>), and 18.16 has no query parameters.
/// </summary>
public sealed class ClickHouseHttpEngine : IClickHouseEngine
{
    private readonly HttpClient _http;
    private readonly ClickHouseUri _uri;

    private ClickHouseHttpEngine(ClickHouseUri uri, string? password, TimeSpan timeout)
    {
        _uri = uri;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = uri.HttpEndpoint,
            Timeout = timeout,
        };
        if (uri.User is not null || password is not null)
        {
            string token = Convert.ToBase64String(Encoding.UTF8.GetBytes((uri.User ?? "default") + ":" + (password ?? "")));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
        Database = uri.Database;
    }

    /// <summary>Connects (reads the server's version); a server that cannot be reached is a <see cref="ClickHouseException"/>.</summary>
    /// <param name="password">The password (read from --password-file), or null.</param>
    public static ClickHouseHttpEngine Open(ClickHouseUri uri, string? password = null, TimeSpan? timeout = null)
    {
        var engine = new ClickHouseHttpEngine(uri, password, timeout ?? TimeSpan.FromHours(2));
        try
        {
            var version = engine.QueryIn(null, "SELECT version()", null, default);
            engine.Version = ClickHouseVersion.Parse((string)version.Rows[0][0]!);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public ClickHouseVersion Version { get; private set; }

    public string Database { get; }

    public string Location => _uri.ToString();

    /// <summary>The same server with another database (for a push into a database that had to be created first).</summary>
    public ClickHouseUri Uri => _uri;

    public QueryResult Query(string sql, QuerySettings? settings = null, CancellationToken cancel = default) =>
        QueryIn(Database, sql, settings, cancel);

    public void Execute(string sql, QuerySettings? settings = null, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(Database, settings, null))
        {
            Content = new StringContent(sql, Encoding.UTF8),
        };
        Send(request, cancel).Dispose();
    }

    public void InsertRowBinary(string table, IReadOnlyList<ColumnSpec> columns, Action<Stream> write, QuerySettings? settings = null, CancellationToken cancel = default)
    {
        string sql = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => Sql.ClickHouseSql.Identifier(c.Name)))}) FORMAT RowBinary";
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(Database, settings, sql))
        {
            Content = new StreamingContent(write),
        };
        request.Headers.TransferEncodingChunked = true;
        Send(request, cancel).Dispose();
    }

    public void Dispose() => _http.Dispose();

    private QueryResult QueryIn(string? database, string sql, QuerySettings? settings, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(database, settings, null) + (database is null && settings is null ? "" : "&") + "default_format=JSONCompact")
        {
            Content = new StringContent(sql, Encoding.UTF8),
        };
        using var response = Send(request, cancel);
        byte[] body = response.Content.ReadAsByteArrayAsync(cancel).GetAwaiter().GetResult();
        return QueryResult.Read(Location, body);
    }

    private string Url(string? database, QuerySettings? settings, string? query)
    {
        var parts = new List<string>();
        if (database is not null)
            parts.Add("database=" + System.Uri.EscapeDataString(database));
        if (settings is not null)
        {
            foreach (var kv in settings.All())
                parts.Add(kv.Key + "=" + System.Uri.EscapeDataString(kv.Value));
        }
        if (query is not null)
            parts.Add("query=" + System.Uri.EscapeDataString(query));
        return "?" + string.Join('&', parts);
    }

    private HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancel)
    {
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseException($"{Location}: cannot reach the server ({e.Message})", 0, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new ClickHouseException($"{Location}: no answer within {_http.Timeout.TotalSeconds:0} s", 0, e);
        }
        if (response.StatusCode == HttpStatusCode.OK)
            return response;
        using (response)
        {
            string text = response.Content.ReadAsStringAsync(cancel).GetAwaiter().GetResult();
            throw ClickHouseException.FromServerText(Location, text.Length == 0 ? $"HTTP {(int)response.StatusCode}" : text);
        }
    }

    /// <summary>A request body written by a callback straight into the connection (no buffering of the whole insert).</summary>
    private sealed class StreamingContent(Action<Stream> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            SerializeToStream(stream, context, default);
            return Task.CompletedTask;
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
