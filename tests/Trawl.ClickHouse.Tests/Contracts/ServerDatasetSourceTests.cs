using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store.Contracts;
using Trawl.Testing.StoreContracts;

namespace Trawl.ClickHouse.Tests.Contracts;

/// <summary>The read-contract suite against one clickhouse-server 18.16 over HTTP.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ServerDatasetSourceTests(ClickHouseServers servers, ChdbSession chdb) : DatasetSourceContractTests
{
    protected override IDatasetSource Source => ContractPushes.For(EngineKind.Server, servers, chdb);
}
