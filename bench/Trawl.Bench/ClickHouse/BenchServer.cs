using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trawl.Bench.ClickHouse;

/// <summary>One Debian clickhouse-server (18.16) for the benchmark: a config in a temporary folder, HTTP and native TCP on
/// free loopback ports; killed and removed at the end. (The tests' two-server harness does the same for two.)</summary>
internal sealed class BenchServer : IDisposable
{
    public const string Binary = "/usr/sbin/clickhouse-server";
    private readonly Process _process;
    private readonly string _dir;

    public BenchServer(string root)
    {
        _dir = Path.Combine(root, "clickhouse-server");
        Directory.CreateDirectory(_dir);
        HttpPort = FreePort();
        TcpPort = FreePort();
        File.WriteAllText(Path.Combine(_dir, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{_dir}/server.log</log><errorlog>{_dir}/error.log</errorlog><console>0</console></logger>
              <http_port>{HttpPort}</http_port><tcp_port>{TcpPort}</tcp_port><listen_host>127.0.0.1</listen_host>
              <path>{_dir}/data/</path><tmp_path>{_dir}/tmp/</tmp_path><user_files_path>{_dir}/user_files/</user_files_path>
              <format_schema_path>{_dir}/format_schemas/</format_schema_path>
              <users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
              <mark_cache_size>536870912</mark_cache_size><max_concurrent_queries>50</max_concurrent_queries>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(_dir, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>8000000000</max_memory_usage></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default></default></quotas>
            </yandex>
            """);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        start.ArgumentList.Add("--config-file=" + Path.Combine(_dir, "config.xml"));
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (http.GetStringAsync($"http://127.0.0.1:{HttpPort}/ping").GetAwaiter().GetResult().StartsWith("Ok", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60) || _process.HasExited)
                throw new InvalidOperationException("clickhouse-server did not start; see " + _dir);
            Thread.Sleep(200);
        }
    }

    public int HttpPort { get; }
    public int TcpPort { get; }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
