using SQLitePCL;
using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>The <c>--where</c> filter (evaluated by SQLite through <see cref="WhereFilter"/>), set up per source.</summary>
internal sealed class WhereStage(string expression) : IngestStage, IDisposable
{
    private WhereFilter? _filter;
    private bool[] _mask = [];

    public override string Name => "where";

    /// <summary>A source starts: the filter is prepared over its columns (a bad expression fails here, before any row).</summary>
    public void BeginSource(sqlite3 db, TableSchema schema, IReadOnlyList<TargetColumn> columns)
    {
        _filter?.Dispose();
        _filter = new WhereFilter(db, schema, columns, expression, TableTarget.TargetName);
    }

    protected override void Process(IngestBatch batch)
    {
        int n = batch.RowCount;
        if (_mask.Length < n)
            _mask = new bool[n];
        _filter!.Evaluate(batch.Source, _mask);
        var keep = batch.Keep;
        for (int r = 0; r < n; r++)
        {
            if (keep[r] && !_mask[r])
            {
                keep[r] = false;
                RowsDropped++;
            }
        }
    }

    public void Dispose()
    {
        _filter?.Dispose();
        _filter = null;
    }
}
