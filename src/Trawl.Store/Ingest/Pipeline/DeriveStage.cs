using System.Runtime.CompilerServices;
using SQLitePCL;
using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// Computes the derived columns of the kept rows into the batch's derived lanes: a URL's host name from the UTF-8
/// bytes without allocating per row (<c>--derive domain=URL</c>), and SQL expressions through SQLite
/// (<see cref="DerivedExpressions"/>: <c>--derive NAME=EXPR</c>, <c>--convert</c>). A row without a value gets NULL.
/// </summary>
internal sealed class DeriveStage : IngestStage, IDisposable
{
    private int[] _sourceLanes = [];
    private DerivedExpressions? _expressions;
    private ColumnValues[] _expressionLanes = [];

    public override string Name => "derive";

    /// <summary>A source starts: derived lane k is computed from source lane <paramref name="sourceLanes"/>[k], or, where
    /// that is -1, by the next of <paramref name="expressions"/>.</summary>
    public void BeginSource(sqlite3 db, TableSchema schema, IReadOnlyList<TargetColumn> columns, int[] sourceLanes, IReadOnlyList<DerivedColumnSpec> expressions)
    {
        _sourceLanes = sourceLanes;
        _expressions?.Dispose();
        _expressions = expressions.Count > 0 ? new DerivedExpressions(db, schema, columns, expressions, TableTarget.TargetName) : null;
        _expressionLanes = new ColumnValues[expressions.Count];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(IngestBatch batch)
    {
        var keep = batch.Keep;
        int e = 0;
        for (int k = 0; k < _sourceLanes.Length; k++)
        {
            if (_sourceLanes[k] < 0)
            {
                _expressionLanes[e++] = batch.Derived[k];
                continue;
            }
            var urls = batch.Source.Columns[_sourceLanes[k]];
            var hosts = batch.Derived[k];
            for (int r = 0; r < keep.Length; r++)
            {
                if (!keep[r] || urls.KindAt(r) != ValueKind.Text)
                {
                    hosts.AppendNull();
                    continue;
                }
                var url = urls.BytesAt(r);
                int n = UrlHost.Extract(url, hosts.ReserveBytes(url.Length));
                if (n == 0)
                    hosts.AppendNull();
                else
                    hosts.CommitBytes(ValueKind.Text, n);
            }
        }
        _expressions?.Evaluate(batch.Source, keep, _expressionLanes);
    }

    public void Dispose()
    {
        _expressions?.Dispose();
        _expressions = null;
    }
}
