using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest;

/// <summary>
/// Reads the next batch on a background thread while the current one is inserted, so parsing and SQLite
/// work overlap on a second core. Batches are recycled (two in flight), so memory stays bounded; an error
/// from the reader comes out of <see cref="Next"/> on the caller's thread, after the batches before it.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly ITableReader _reader;
    private readonly int _maxRows;
    private readonly BlockingCollection<ColumnBatch> _free = new();
    private readonly BlockingCollection<ColumnBatch?> _full = new(boundedCapacity: 2);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private Exception? _error;
    private bool _ended;

    /// <summary>Starts reading after the batch the caller already holds.</summary>
    public BatchPrefetcher(ITableReader reader, int maxRows)
    {
        _reader = reader;
        _maxRows = maxRows;
        _free.Add(new ColumnBatch(reader.Schema.Count, maxRows));
        _producer = Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Hands back <paramref name="done"/> for reuse and returns the next batch, or null at the end of the data.</summary>
    public ColumnBatch? Next(ColumnBatch done)
    {
        if (_ended)
            return null;
        _free.Add(done);
        var batch = _full.Take();
        if (batch is null)
        {
            _ended = true;
            if (_error is not null)
                ExceptionDispatchInfo.Capture(_error).Throw();
        }
        return batch;
    }

    private void Produce()
    {
        try
        {
            while (true)
            {
                var batch = _free.Take(_stop.Token);
                if (!_reader.ReadBatch(batch, _maxRows))
                    break;
                _full.Add(batch, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            _error = e;
        }
        try
        {
            _full.Add(null, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _producer.Wait();
        }
        catch (AggregateException)
        {
        }
        _free.Dispose();
        _full.Dispose();
        _stop.Dispose();
    }
}
