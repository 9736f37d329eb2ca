using Trawl.ClickHouse.Datasets;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Testing.StoreContracts;

namespace Trawl.ClickHouse.Tests.Contracts;

/// <summary>
/// The contract data ingested once as a user would (CSV with the caption searchable, the .npy as vector set "emb"),
/// then pushed with <c>trawl push</c>'s code to each engine (one server, the two-shard cluster, chDB) and opened as a
/// <see cref="ClickHouseDataset"/>, as <c>trawl serve clickhouse://…</c> does. Pushed lazily, once per engine per test run.
/// </summary>
public static class ContractPushes
{
    private static readonly Dictionary<EngineKind, IDatasetSource> Pushed = [];
    private static readonly Lazy<(string Folder, Dataset Dataset)> Local = new(Ingest);

    public static IDatasetSource For(EngineKind kind, ClickHouseServers servers, ChdbSession chdb)
    {
        lock (Pushed)
        {
            if (Pushed.TryGetValue(kind, out var done))
                return done;
            var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "contract" + kind.ToString().ToLowerInvariant());
            DatasetPush.Run(engine, Local.Value.Dataset, new PushRequest
            {
                // Float32 on every engine: the suite compares kNN scores with the f32 oracle (BFloat16 has its own tests).
                VectorType = PushVectorType.Float32,
                Cluster = kind == EngineKind.Cluster ? ClickHouseServers.Cluster : null,
                BlockRows = 128, // several blocks, and on the cluster rows of one block on both shards
            }, a => servers.OpenHost(a, engine.Database));
            var source = new ClickHouseDataset(engine, $"clickhouse ({kind})");
            Pushed[kind] = source;
            return source;
        }
    }

    private static (string, Dataset) Ingest()
    {
        string folder = Path.Combine(Path.GetTempPath(), "trawl-chcontract-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var data = ContractData.Instance;
        string csv = data.WriteCsv(Path.Combine(folder, "items_0.csv"));
        string npy = data.WriteVectors(Path.Combine(folder, "emb_0.npy"));
        string path = Path.Combine(folder, "contract.trawl");
        DatasetIngest.Run(path, new IngestRequest
        {
            Sources = [csv],
            Table = ContractData.Table,
            SearchColumns = [ContractData.SearchColumn],
            Vectors = new Dictionary<string, IReadOnlyList<string>> { [ContractData.VectorSet] = [npy] },
        });
        return (folder, Dataset.Open(path));
    }
}
