namespace Trawl.ClickHouse.Tests.Engines;

/// <summary>One set of engines (two servers, one chDB session) and one generated dataset for every test class that needs them.</summary>
[CollectionDefinition(Name)]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseServers>, ICollectionFixture<ChdbSession>, ICollectionFixture<LaionLikeDataset>
{
    public const string Name = "clickhouse engines";
}
