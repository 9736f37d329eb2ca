using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Queries;
using Trawl.ClickHouse.Tests.Engines;

namespace Trawl.ClickHouse.Tests.Queries;

/// <summary>The generated dataset pushed once per engine (one server, the two-shard cluster, chDB), for query tests.</summary>
public sealed class PushedTables(ClickHouseServers servers, ChdbSession chdb, LaionLikeDataset data) : IDisposable
{
    private readonly Dictionary<EngineKind, (IClickHouseEngine Engine, ClickHouseTable Table)> _pushed = [];

    public (IClickHouseEngine Engine, ClickHouseTable Table) For(EngineKind kind)
    {
        lock (_pushed)
        {
            if (_pushed.TryGetValue(kind, out var done))
                return done;
            var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "q" + kind.ToString().ToLowerInvariant());
            DatasetPush.Run(engine, data.Dataset, new PushRequest { Cluster = kind == EngineKind.Cluster ? ClickHouseServers.Cluster : null, VectorType = PushVectorType.Float32 },
                a => servers.OpenHost(a, engine.Database));
            var result = (engine, ClickHouseTable.Open(engine, LaionLikeDataset.Table));
            _pushed[kind] = result;
            return result;
        }
    }

    public void Dispose()
    {
        foreach (var (engine, _) in _pushed.Values)
            engine.Dispose();
    }
}
