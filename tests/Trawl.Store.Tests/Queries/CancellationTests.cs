using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

/// <summary>Counts, facets and histograms stop midway when their token is cancelled (the server's time limit),
/// instead of running on in the background.</summary>
public sealed class CancellationTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    // A trusted --where whose subquery takes tens of seconds: only an interrupt ends it early. If interrupting
    // breaks, the query still ends (100 M steps), the call returns a value and the test fails instead of hanging.
    private static readonly TableQuery Slow = new()
    {
        Table = "items",
        Where = "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c) > 0",
    };

    [Fact]
    public void A_cancelled_facet_stops_the_running_query()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var e = Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.Facet(Slow, "category", cancel: cancel.Token));
        Assert.Equal(cancel.Token, e.CancellationToken);
    }

    [Fact]
    public void A_cancelled_count_and_histogram_stop_the_running_query()
    {
        using var count = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.CountRows(Slow, count.Token));
        using var histogram = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.Histogram(Slow, "score", cancel: histogram.Token));
    }

    [Fact]
    public void An_interrupt_does_not_reach_the_next_query_on_the_same_connection()
    {
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.Facet(Slow, "category", cancel: cancel.Token));
        // The pooled connection that was interrupted answers the next queries in full.
        for (int i = 0; i < 4; i++)
        {
            var facet = data.Dataset.Facet(new TableQuery { Table = "items", Search = "guitar" }, "category");
            Assert.Equal(data.Rows.Rows.Count(r => GeneratedRows.HasWord((string)r[1]!, "guitar")), facet.Values.Sum(v => v.Count));
        }
    }

    [Fact]
    public void A_token_cancelled_before_the_call_runs_nothing()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => data.Dataset.CountRows(new TableQuery { Table = "items", Search = "guitar" }, cancel.Token));
    }
}
