using System.Runtime.CompilerServices;
using SQLitePCL;
using Trawl.Store.Datasets;
using Trawl.Store.Sql;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// Drops rows whose values in the <c>--dedupe</c> columns repeat an earlier row's, by a 128-bit hash of those
/// values as they will be stored (<see cref="CellValue.Hash"/>, the same classification the table sink binds with).
/// On an append the hashes of the rows already in the table are taken first.
/// </summary>
internal sealed class DedupeStage : IngestStage
{
    private readonly HashSet<UInt128> _seen = [];
    private int[] _lanes = [];
    private SqlType[] _types = [];

    public override string Name => "dedupe";

    /// <summary>Hashes the rows already in <paramref name="table"/>.</summary>
    public void Seed(sqlite3 db, string table, IReadOnlyList<string> columns)
    {
        string sql = $"SELECT {string.Join(", ", columns.Select(SqlNames.Quote))} FROM {SqlNames.Quote(table)}";
        using var stmt = RawSql.Prepare(db, sql);
        while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
        {
            var h = Hash128.Create();
            for (int i = 0; i < columns.Count; i++)
                CellValue.HashStored(ref h, stmt, i);
            _seen.Add(h.Finish());
        }
    }

    /// <summary>A source starts: dedupe column i is in lane <paramref name="lanes"/>[i] (-1 when the source lacks it:
    /// NULL), stored as <paramref name="types"/>[i].</summary>
    public void BeginSource(int[] lanes, SqlType[] types)
    {
        _lanes = lanes;
        _types = types;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(IngestBatch batch)
    {
        var keep = batch.Keep;
        for (int r = 0; r < keep.Length; r++)
        {
            if (!keep[r])
                continue;
            var h = Hash128.Create();
            for (int i = 0; i < _lanes.Length; i++)
            {
                if (_lanes[i] < 0)
                    h.AddByte((byte)StoredKind.Null);
                else
                    CellValue.Hash(ref h, batch.Lane(_lanes[i]), r, _types[i]);
            }
            if (!_seen.Add(h.Finish()))
            {
                keep[r] = false;
                RowsDropped++;
            }
        }
    }
}
