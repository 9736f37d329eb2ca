using Trawl.Store.Contracts;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;
using Trawl.Testing.StoreContracts;

namespace Trawl.Store.Tests.Contracts;

/// <summary>The contract data ingested as a user would (CSV with FTS on the caption, the .npy as vector set "emb"),
/// opened through the registry like the server and CLI do.</summary>
public sealed class SqliteContractFixture : IDisposable
{
    public SqliteContractFixture()
    {
        var data = ContractData.Instance;
        string csv = data.WriteCsv(Temp.File("items_0.csv"));
        string npy = data.WriteVectors(Temp.File("emb_0.npy"));
        DatasetIngest.Run(Temp.Dataset(), new IngestRequest
        {
            Sources = [csv],
            Table = ContractData.Table,
            SearchColumns = [ContractData.SearchColumn],
            Vectors = new Dictionary<string, IReadOnlyList<string>> { [ContractData.VectorSet] = [npy] },
        });
        Source = DatasetOpeners.Open(Temp.Dataset());
    }

    public TempDir Temp { get; } = new();

    public IDatasetSource Source { get; }

    public void Dispose()
    {
        Source.Dispose();
        Temp.Dispose();
    }
}

/// <summary>The read-contract suite against the embedded SQLite backend.</summary>
public sealed class SqliteDatasetSourceTests(SqliteContractFixture fixture) : DatasetSourceContractTests, IClassFixture<SqliteContractFixture>
{
    protected override IDatasetSource Source => fixture.Source;

    [Fact]
    public void The_sqlite_backend_declares_its_dialect_and_search_syntax()
    {
        Assert.Equal(SqlDialect.Sqlite, Source.Capabilities.SqlDialect);
        Assert.Equal(SearchSyntax.Fts5, Source.Capabilities.SearchSyntax);
        Assert.Equal(fixture.Temp.Dataset(), Source.Location);
    }
}
