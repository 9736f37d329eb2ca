using Trawl.ClickHouse.Engines;

namespace Trawl.ClickHouse.Tests.Engines;

/// <summary>The real engines a test runs against.</summary>
public enum EngineKind
{
    /// <summary>One clickhouse-server 18.16 process, over HTTP.</summary>
    Server,

    /// <summary>Two clickhouse-server 18.16 processes as shards of one cluster, over HTTP.</summary>
    Cluster,

    /// <summary>chDB 26.5 in this process.</summary>
    Chdb,
}

/// <summary>Opens an engine of a kind in a fresh database.</summary>
public static class Engines
{
    public static IClickHouseEngine NewDatabase(EngineKind kind, ClickHouseServers servers, ChdbSession chdb, string prefix) =>
        kind == EngineKind.Chdb ? chdb.NewDatabase(prefix) : servers.NewDatabase(prefix);
}
