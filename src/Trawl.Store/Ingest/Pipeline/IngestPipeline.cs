using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Trawl.Formats.Derived;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest.Sinks;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// Runs an <see cref="IngestPlan"/>: for each source, batches are read (the next one parsed ahead on a second
/// thread), then go through the stages (--where filter → derived columns → dedupe), each narrowing the batch's kept
/// rows or adding lanes, and then to every sink (table, vector sets) in the same order. The table is created or
/// extended from each source's first batch before its rows are written. Runs inside the caller's SQLite transaction;
/// <see cref="Complete"/> finishes the sinks before the caller commits, <see cref="Publish"/> after.
/// </summary>
internal sealed class IngestPipeline : IDisposable
{
    private readonly SqliteConnection _conn;
    private readonly sqlite3 _db;
    private readonly IngestPlan _plan;
    private readonly IProgress<IngestProgress>? _progress;
    private readonly CancellationToken _cancel;
    private readonly TableTarget _target;
    private readonly TableSink _table;
    private readonly VectorSetSink _vectors;
    private readonly IIngestSink[] _sinks;
    private readonly WhereStage? _where;
    private readonly DeriveStage _derive = new();
    private readonly DedupeStage? _dedupe;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Time per phase; the caller adds what follows the pipeline (commit, column files).</summary>
    public IngestPhaseClock Phases { get; } = new();
    private long _rowsRead;
    private int _skippedSources;
    private const int MaxSkipMessages = 200;
    private long _skippedRecords;
    private readonly List<string> _skipMessages = [];
    private long _lastProgressTicks = -1;
    private string _lastSource = "";

    public IngestPipeline(string directory, SqliteConnection conn, IngestPlan plan, IProgress<IngestProgress>? progress, CancellationToken cancel)
    {
        _conn = conn;
        _db = conn.Handle!;
        _plan = plan;
        _progress = progress;
        _cancel = cancel;
        _target = new TableTarget(conn, plan);
        _table = new TableSink(conn, _target, plan, phase =>
        {
            Phases.Start(phase);
            Report(phase == IngestPhase.FullText ? "index" : "stats", _lastSource, 0, 0, force: true);
        }, cancel);
        _vectors = new VectorSetSink(directory, conn, plan);
        _sinks = [_table, _vectors];
        _where = plan.Where is { } expr ? new WhereStage(expr) : null;
        _dedupe = plan.DedupeColumns.Count > 0 ? new DedupeStage() : null;
    }

    /// <summary>Loads every source into the table and the sinks (nothing committed yet).</summary>
    public void Run()
    {
        // Pairing and row counts of every part are checked before a single row is written.
        _vectors.Validate();
        // Cancellation also stops long single statements (the FTS build, index builds) within milliseconds.
        raw.sqlite3_progress_handler(_db, 10_000, _ => _cancel.IsCancellationRequested ? 1 : 0, null);
        try
        {
            Phases.Start(IngestPhase.Rows);
            _target.Prepare();
            if (_target.Ready && _dedupe is not null)
                _dedupe.Seed(_db, _target.Name, _plan.DedupeColumns.Select(d => _target.FindColumn(d)!.Name).ToList());
            _vectors.Start(_target.Name, _target.Ready ? _target.FirstNewRowid : 0, _plan.Mode == IngestMode.Replace);
            for (int i = 0; i < _plan.Sources.Count; i++)
            {
                string source = _plan.Sources[i];
                // In a part ingest (--vectors), parts already in the table (same size and fingerprint) are skipped, so
                // re-running it with more parts loads only the new ones. (A plain --append of a file adds its rows again.)
                if (_target.Ready && _plan.IsPartIngest && _plan.Mode != IngestMode.Replace && Bookkeeping.HasSource(_conn, _target.Name, source))
                {
                    _skippedSources++;
                    continue;
                }
                LoadSource(source, i);
            }
            if (!_target.Ready)
                throw new UserErrorException("no sources to ingest");
            // The filter's statements belong to this connection, which closes before the pipeline is disposed.
            _where?.Dispose();
            _derive.Dispose();
            Complete();
            Phases.Stop();
        }
        catch (SqliteException e) when (_cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("the ingest was cancelled", e, _cancel);
        }
        finally
        {
            raw.sqlite3_progress_handler(_db, 0, null, null);
            // Statements on the connection go before the caller closes it.
            _where?.Dispose();
            _derive.Dispose();
            _table.Dispose();
        }
    }

    private void LoadSource(string path, int index)
    {
        _cancel.ThrowIfCancellationRequested();
        _lastSource = path;
        var opened = TableReaders.Open(path, _plan.ReaderOptions);
        using var reader = DerivedColumnsReader.Wrap(opened, _plan.Computed, _plan.SourcesRoot);
        var schema = reader.Schema;
        int batchRows = _plan.BatchRows;
        var first = new ColumnBatch(schema.Count, batchRows);
        bool has = reader.ReadBatch(first, batchRows);
        _target.Extend(schema, first);

        var bound = _target.Bind(schema, out int[] derivedSources, out var expressions);
        var source = new IngestSource(index, path, schema, bound, reader.RowCount);
        _where?.BeginSource(_db, schema, _target.Columns);
        _derive.BeginSource(_db, schema, _target.Columns, derivedSources, expressions);
        if (_dedupe is not null)
        {
            var lanes = _plan.DedupeColumns.Select(d => bound.FindIndex(b => b.Column.Name.Equals(d, StringComparison.OrdinalIgnoreCase))).ToArray();
            _dedupe.BeginSource(lanes.Select(k => k < 0 ? -1 : bound[k].Lane).ToArray(), lanes.Select(k => k < 0 ? SqlType.Text : bound[k].Column.Type).ToArray());
        }
        foreach (var sink in _sinks)
            sink.BeginSource(source);

        using var prefetch = has ? new BatchPrefetcher(reader, SteadyBatchRows(first, batchRows)) : null;
        var batch = new IngestBatch(first, derivedSources.Length, batchRows);
        var current = first;
        long rowInSource = 0;
        while (has)
        {
            _cancel.ThrowIfCancellationRequested();
            batch.Reset(current, rowInSource);
            _where?.Run(batch);
            if (derivedSources.Length > 0)
                _derive.Run(batch);
            _dedupe?.Run(batch);
            foreach (var sink in _sinks)
                sink.Write(source, batch);
            IngestPausePoint.Reach(IngestPausePoint.Rows);
            rowInSource += current.RowCount;
            _rowsRead += current.RowCount;
            Report("read", path, reader.BytesRead, reader.BytesTotal, force: false);
            var next = prefetch!.Next(current);
            has = next is not null;
            if (next is not null)
                current = next;
        }
        Report("read", path, reader.BytesRead, reader.BytesTotal, force: true);
        if (opened is ISkippedRecords skips && skips.SkippedRecords > 0)
        {
            _skippedRecords += skips.SkippedRecords;
            foreach (string message in skips.SkipMessages)
            {
                if (_skipMessages.Count < MaxSkipMessages)
                    _skipMessages.Add(message);
            }
        }
        foreach (var sink in _sinks)
            sink.EndSource(source, rowInSource);
    }

    /// <summary>Rows per batch after the first: about <see cref="SteadyBatchBytes"/> of values at the first batch's
    /// bytes per row, at most <paramref name="batchRows"/>. Long documents (a 100 MB batch of 8,192) would otherwise
    /// leave the reader thread and the writer few batches to overlap on, and the last one written alone; the first
    /// batch keeps its rows, which type inference reads.</summary>
    internal static int SteadyBatchRows(ColumnBatch first, int batchRows)
    {
        if (first.RowCount == 0)
            return batchRows;
        long bytes = 0;
        foreach (var c in first.Columns)
            bytes += c.ByteCount;
        long perRow = Math.Max(1, bytes / first.RowCount);
        return (int)Math.Clamp(SteadyBatchBytes / perRow, Math.Min(batchRows, 64), batchRows);
    }

    private const long SteadyBatchBytes = 8 << 20;

    /// <summary>Finishes every sink before the commit (FTS, bookkeeping, statistics; vector rows made durable).</summary>
    private void Complete()
    {
        foreach (var sink in _sinks)
        {
            _cancel.ThrowIfCancellationRequested();
            sink.Complete();
        }
    }

    /// <summary>After the commit: what the SQLite commit does not make visible by itself (vector sets).</summary>
    public void Publish()
    {
        foreach (var sink in _sinks)
            sink.Publish();
    }

    public IngestReport Report()
    {
        var stages = new List<IngestStageCounters>();
        if (_where is not null)
            stages.Add(_where.Counters);
        if (_derive.RowsIn > 0)
            stages.Add(_derive.Counters);
        if (_dedupe is not null)
            stages.Add(_dedupe.Counters);
        return new IngestReport(_target.Name, _rowsRead, _table.RowsWritten, _where?.RowsDropped ?? 0, _dedupe?.RowsDropped ?? 0, _target.ColumnsAdded, _clock.Elapsed)
        {
            SkippedSources = _skippedSources,
            SkippedRecords = _skippedRecords,
            SkipMessages = _skipMessages,
            VectorSets = _vectors.Written,
            Stages = stages,
            Sinks = _sinks.Select(s => new IngestStageCounters(s.Name, s.RowsWritten, s.RowsWritten)).ToList(),
            Phases = Phases.Phases,
            FullTextSecondThreadRows = _table.FullTextSecondThreadRows,
        };
    }

    private void Report(string phase, string source, long bytesRead, long bytesTotal, bool force)
    {
        if (_progress is null)
            return;
        long now = _clock.ElapsedTicks;
        if (!force && _lastProgressTicks >= 0 && now - _lastProgressTicks < Stopwatch.Frequency / 10)
            return;
        _lastProgressTicks = now;
        _progress.Report(new IngestProgress(phase, source, bytesRead, bytesTotal, _rowsRead));
    }

    public void Dispose()
    {
        foreach (var sink in _sinks)
            sink.Dispose();
        _where?.Dispose();
        _derive.Dispose();
    }
}
