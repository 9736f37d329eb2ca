using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Trawl.ClickHouse.Engines;
using Trawl.Testing;

namespace Trawl.ClickHouse.Tests.Engines;

/// <summary>
/// Two real clickhouse-server processes (Debian's 18.16) on 127.0.0.1 and 127.0.0.2, same ports, each with a config
/// in a temporary folder and a <c>remote_servers</c> entry "two_shards" naming both: the first alone is "one server",
/// both together the two-shard cluster. Started once per test run (xunit collection fixture), killed at the end.
/// </summary>
public sealed class ClickHouseServers : IDisposable
{
    public const string Cluster = "two_shards";
    private const string ServerBinary = "/usr/sbin/clickhouse-server";

    private readonly List<Process> _processes = [];
    private readonly string _root;
    private readonly Exception? _startError;

    public ClickHouseServers()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trawl-ch-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        if (!File.Exists(ServerBinary))
            return;
        try
        {
            (HttpPort, TcpPort) = FreePorts();
            foreach (string host in Hosts)
                _processes.Add(Start(host));
            foreach (string host in Hosts)
                WaitReady(host);
        }
        catch (Exception e)
        {
            _startError = e;
        }
    }

    public static readonly string[] Hosts = ["127.0.0.1", "127.0.0.2"];

    public int HttpPort { get; }

    public int TcpPort { get; }

    /// <summary>The URI of server <paramref name="index"/> (0 or 1) with a database; skips (fails under CI) when the servers are absent.</summary>
    public ClickHouseUri Uri(int index, string database)
    {
        Requirements.Require(File.Exists(ServerBinary), $"{ServerBinary} is not installed (apt-get install clickhouse-server)");
        Requirements.Require(_startError is null, "clickhouse-server did not start: " + _startError?.Message);
        return new ClickHouseUri(Hosts[index], HttpPort, database, null);
    }

    /// <summary>A fresh database on both servers, and an engine on server 0 in it.</summary>
    public ClickHouseHttpEngine NewDatabase(string prefix)
    {
        string db = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        for (int i = 0; i < Hosts.Length; i++)
        {
            using var admin = ClickHouseHttpEngine.Open(Uri(i, "default"));
            admin.Execute($"CREATE DATABASE {db}");
        }
        return ClickHouseHttpEngine.Open(Uri(0, db));
    }

    /// <summary>Opens the same database on another host of the cluster (by address), as <c>trawl push --cluster</c> does.</summary>
    public IClickHouseEngine OpenHost(string address, string database) =>
        ClickHouseHttpEngine.Open(new ClickHouseUri(address, HttpPort, database, null));

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        try
        {
            if (Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process Start(string host)
    {
        string dir = Path.Combine(_root, host);
        Directory.CreateDirectory(dir);
        string shards = string.Concat(Hosts.Select(h =>
            $"<shard><replica><host>{h}</host><port>{TcpPort}</port></replica></shard>"));
        File.WriteAllText(Path.Combine(dir, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{dir}/server.log</log><errorlog>{dir}/error.log</errorlog><console>0</console></logger>
              <http_port>{HttpPort}</http_port>
              <tcp_port>{TcpPort}</tcp_port>
              <listen_host>{host}</listen_host>
              <path>{dir}/data/</path>
              <tmp_path>{dir}/tmp/</tmp_path>
              <user_files_path>{dir}/user_files/</user_files_path>
              <format_schema_path>{dir}/format_schemas/</format_schema_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>53687091</mark_cache_size>
              <uncompressed_cache_size>53687091</uncompressed_cache_size>
              <max_concurrent_queries>50</max_concurrent_queries>
              <remote_servers><{Cluster}>{shards}</{Cluster}></remote_servers>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(dir, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.0/8</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default></default></quotas>
            </yandex>
            """);
        var start = new ProcessStartInfo(ServerBinary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        start.ArgumentList.Add("--config-file=" + Path.Combine(dir, "config.xml"));
        var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private void WaitReady(string host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (http.GetStringAsync($"http://{host}:{HttpPort}/ping").GetAwaiter().GetResult().StartsWith("Ok", StringComparison.Ordinal))
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (_processes.Any(p => p.HasExited))
                break;
            Thread.Sleep(200);
        }
        string log = Path.Combine(_root, host, "error.log");
        throw new InvalidOperationException($"clickhouse-server on {host}:{HttpPort} did not answer /ping"
            + (File.Exists(log) ? ": " + string.Join(" | ", File.ReadLines(log).TakeLast(3)) : ""));
    }

    /// <summary>Two ports free on both loopback addresses.</summary>
    private static (int Http, int Tcp) FreePorts()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int a = FreePort(), b = FreePort();
            if (a != b && Hosts.All(h => IsFree(h, a) && IsFree(h, b)))
                return (a, b);
        }
        throw new InvalidOperationException("no free loopback ports for clickhouse-server");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static bool IsFree(string host, int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Parse(host), port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
