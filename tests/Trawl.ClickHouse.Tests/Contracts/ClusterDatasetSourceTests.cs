using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store.Contracts;
using Trawl.Testing.StoreContracts;

namespace Trawl.ClickHouse.Tests.Contracts;

/// <summary>The read-contract suite against the two-shard cluster (a Distributed table over two 18.16 servers).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClusterDatasetSourceTests(ClickHouseServers servers, ChdbSession chdb) : DatasetSourceContractTests
{
    protected override IDatasetSource Source => ContractPushes.For(EngineKind.Cluster, servers, chdb);
}
