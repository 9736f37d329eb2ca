using System.Text;
using Trawl.ClickHouse.Datasets;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Tests.Engines;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;

namespace Trawl.ClickHouse.Tests.Queries;

/// <summary>Exports of a search (StreamRows) come in the embedded store's order on both sides of
/// <see cref="ITableSource.StreamRankLimit"/>: ranked below it, by id above it — on the 18.16 server (scan route) and
/// chDB (through the text index).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class SearchExportTests(ClickHouseServers servers, ChdbSession chdb) : IDisposable
{
    public static readonly TheoryData<EngineKind> Kinds = new() { EngineKind.Server, EngineKind.Chdb };

    private const int Rows = 3_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "trawl-chexport-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>"cat" in every row (more matches than the limit), "dog" in about one row of 20, "fish" repeated in some.</summary>
    private Dataset Embedded()
    {
        Directory.CreateDirectory(_folder);
        var rng = new Random(5);
        string[] other = ["tree", "red", "blue", "fish", "house"];
        var csv = new StringBuilder("caption,width\n");
        for (int i = 0; i < Rows; i++)
        {
            var words = new List<string> { "cat" };
            words.AddRange(Enumerable.Range(0, rng.Next(1, 12)).Select(_ => other[rng.Next(other.Length)]));
            if (rng.Next(20) == 0)
                words.Insert(rng.Next(words.Count), rng.Next(2) == 0 ? "dog" : "Dog");
            csv.Append('"').Append(string.Join(' ', words.OrderBy(_ => rng.Next()))).Append("\",").Append(rng.Next(1000)).Append('\n');
        }
        string path = Path.Combine(_folder, "items.csv");
        File.WriteAllText(path, csv.ToString());
        string dataset = Path.Combine(_folder, "items.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [path], Table = "items", SearchColumns = ["caption"] });
        return Dataset.Open(dataset);
    }

    private static long[] Stream(ITableSource source, TableQuery query) =>
        source.StreamRows(query, out _).Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Search_exports_come_in_the_embedded_stores_order_on_both_sides_of_the_rank_limit(EngineKind kind)
    {
        using var embedded = Embedded();
        using var engine = Engines.Engines.NewDatabase(kind, servers, chdb, "export");
        DatasetPush.Run(engine, embedded, new PushRequest { VectorSets = [] });
        var pushed = new ClickHouseDataset(engine, "export");
        Assert.Equal(kind == EngineKind.Chdb, Trawl.ClickHouse.Queries.ClickHouseTable.Open(engine, "items").HasTextIndex("caption"));
        var queries = new[]
        {
            new TableQuery { Table = "items", Search = "cat" },
            new TableQuery { Table = "items", Search = "cat", Filters = [new ColumnFilter("width", FilterOp.Lt, "100")] },
            new TableQuery { Table = "items", Search = "dog" },
            new TableQuery { Table = "items", Search = "dog fish" },
            new TableQuery { Table = "items", Search = "dog", Filters = [new ColumnFilter("width", FilterOp.Gte, "500")] },
        };
        foreach (var query in queries)
        {
            long matches = embedded.CountRows(query with { Filters = [] });
            long[] expected = Stream(embedded, query);
            Assert.True(expected.Length > 10, $"{query.Search}: the data gives it rows");
            bool ranked = matches <= ITableSource.StreamRankLimit;
            Assert.Equal(query.Search != "cat", ranked);
            // Above the limit the embedded store streams by rowid, below it by relevance (not by rowid).
            Assert.Equal(!ranked, expected.SequenceEqual(expected.Order()));
            Assert.Equal(expected, Stream(pushed, query));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
