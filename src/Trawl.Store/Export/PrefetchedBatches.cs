using System.Collections.Concurrent;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;

namespace Trawl.Store.Export;

/// <summary>
/// Reads a <see cref="RowBatchReader"/> on a second thread, a few batches ahead of the writer, so stepping SQLite and
/// encoding the parts run at once (two cores, two stages). Batches circulate between a free queue and a full queue, so
/// memory is a fixed number of batches. An error on the reading side is rethrown by <see cref="Next"/>; disposing stops
/// the reader and waits for it before the reader's connection goes back to its pool.
/// </summary>
internal sealed class PrefetchedBatches : IDisposable
{
    private const int Depth = 3;
    private readonly RowBatchReader _reader;
    private readonly BlockingCollection<ColumnBatch> _free = new(Depth);
    private readonly BlockingCollection<ColumnBatch> _full = new(Depth);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly int _rows;
    private Exception? _error;
    private ColumnBatch? _current;

    public PrefetchedBatches(RowBatchReader reader, int batchRows)
    {
        _reader = reader;
        _rows = batchRows;
        for (int i = 0; i < Depth; i++) _free.Add(new ColumnBatch(reader.ColumnCount, batchRows));
        _thread = new Thread(Produce) { IsBackground = true, Name = "trawl export reader" };
        _thread.Start();
    }

    private void Produce()
    {
        try
        {
            while (true)
            {
                var batch = _free.Take(_stop.Token);
                if (!_reader.Read(batch, _rows)) break;
                _full.Add(batch, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    /// <summary>The next batch (valid until the next call), or null at the end. The previous batch goes back to be refilled.</summary>
    public ColumnBatch? Next()
    {
        if (_current is not null)
        {
            _free.Add(_current);
            _current = null;
        }
        if (_full.TryTake(out var batch, Timeout.Infinite))
            return _current = batch;
        if (_error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_error).Throw();
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _reader.Dispose();
        _stop.Dispose();
        _free.Dispose();
        _full.Dispose();
    }
}
