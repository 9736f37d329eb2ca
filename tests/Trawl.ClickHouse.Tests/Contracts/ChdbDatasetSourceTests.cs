using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store.Contracts;
using Trawl.Testing.StoreContracts;

namespace Trawl.ClickHouse.Tests.Contracts;

/// <summary>The read-contract suite against chDB (ClickHouse 26.5 in this process).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ChdbDatasetSourceTests(ClickHouseServers servers, ChdbSession chdb) : DatasetSourceContractTests
{
    protected override IDatasetSource Source => ContractPushes.For(EngineKind.Chdb, servers, chdb);
}
