using Microsoft.Win32.SafeHandles;
using Trawl.Formats.Parquet.Assembly;
using Trawl.Formats.Parquet.Compression;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet;

/// <summary>
/// Reads a Parquet file as a table: one column per top-level field (nested fields as JSON text),
/// row groups decoded one at a time and only for the projected columns.
/// </summary>
public sealed class ParquetTableReader : ITableReader
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private static readonly byte[] EncryptedMagic = "PARE"u8.ToArray();

    private readonly SafeFileHandle _file;
    private readonly ParquetReaderOptions _options;
    private readonly ParquetFileMetadata _meta;
    private readonly ParquetSchemaTree _tree;
    private readonly ParquetOutputColumn[] _columns;
    private readonly long _dataEnd;
    // Every (column, leaf) whose chunk a row group needs: the units decoded in parallel.
    private readonly (ParquetOutputColumn Column, int Leaf)[] _work;
    private int _rowGroup = -1;
    private long _groupRows;
    private long _groupRow;
    private long _rowsBefore;
    private long _bytesBefore;
    private long _groupBytes;
    private long _rowsEmitted;
    // Row groups being decoded ahead (in order), and free slots to decode into.
    private readonly Queue<PrefetchedRowGroup> _ahead = new();
    private readonly Stack<PrefetchedRowGroup> _freeSlots = new();
    private int _nextPrefetch;
    // The work units sorted by their first row group's uncompressed size, largest first, so the pool starts the long ones early.
    private int[]? _unitOrder;
    private bool _groupPrefetched;

    /// <summary>Row groups decoded ahead of the one being read, when parallelism allows.</summary>
    private const int PrefetchDepth = 2;

    /// <summary>A row group is decoded ahead only when its pages and values fit this estimate (it is held whole, not streamed).</summary>
    private const long PrefetchMaxBytes = 128L << 20;

    private ParquetTableReader(string path, SafeFileHandle file, ParquetReaderOptions options, ParquetFileMetadata meta, ParquetSchemaTree tree,
        ParquetOutputColumn[] columns, long length, long dataEnd)
    {
        Path = path;
        _file = file;
        _options = options;
        _meta = meta;
        _tree = tree;
        _columns = columns;
        BytesTotal = length;
        _dataEnd = dataEnd;
        foreach (var c in columns)
            c.CreateDecoders(options);
        _work = columns.SelectMany(c => Enumerable.Range(0, c.Leaves.Length).Select(l => (c, l))).ToArray();
        Schema = new TableSchema(columns.Select(c => c.Schema));
        _bytesBefore = length - dataEnd + 4;
    }

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => _meta.NumRows;
    public long BytesTotal { get; }

    /// <summary>Row groups in the file (each is decoded as a unit).</summary>
    public int RowGroupCount => _meta.RowGroups.Count;

    /// <summary>The writer named in the footer ("parquet-cpp-arrow version 14.0.1"...), when given.</summary>
    public string? CreatedBy => _meta.CreatedBy;

    /// <summary>The footer's key/value metadata (e.g. "pandas", "huggingface", "ARROW:schema"), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> KeyValueMetadata => _meta.KeyValues;

    public long BytesRead
    {
        get
        {
            if (_groupRows <= 0)
                return Math.Min(_bytesBefore, BytesTotal);
            return Math.Min(BytesTotal, _bytesBefore + (long)(_groupBytes * ((double)_groupRow / _groupRows)));
        }
    }

    /// <summary>Opens a Parquet file, reading and checking its footer and schema.</summary>
    public static ParquetTableReader Open(string path, TableReaderOptions? options = null, ParquetReaderOptions? parquetOptions = null)
    {
        options ??= new TableReaderOptions();
        parquetOptions ??= new ParquetReaderOptions();
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            return OpenHandle(path, file, options, parquetOptions);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static ParquetTableReader OpenHandle(string path, SafeFileHandle file, TableReaderOptions options, ParquetReaderOptions po)
    {
        long length = RandomAccess.GetLength(file);
        if (length < 12)
            throw new DataFormatException(path, $"file of {length} bytes is too short to be Parquet", byteOffset: 0);
        Span<byte> head = stackalloc byte[4];
        RandomAccess.Read(file, head, 0);
        Span<byte> tail = stackalloc byte[8];
        RandomAccess.Read(file, tail, length - 8);
        if (head.SequenceEqual(EncryptedMagic) || tail[4..].SequenceEqual(EncryptedMagic))
            throw new DataFormatException(path, "encrypted Parquet is not supported", byteOffset: 0);
        if (!head.SequenceEqual(Magic))
            throw new DataFormatException(path, "not a Parquet file (no PAR1 magic at the start)", byteOffset: 0);
        if (!tail[4..].SequenceEqual(Magic))
            throw new DataFormatException(path, "Parquet file is truncated or damaged (no PAR1 magic at the end)", byteOffset: length - 4);
        uint footerLen = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footerLen > length - 12 || footerLen == 0)
            throw new DataFormatException(path, $"footer length {footerLen} does not fit in a file of {length} bytes", byteOffset: length - 8);
        if (footerLen > po.MaxFooterBytes)
            throw new DataFormatException(path, $"footer of {footerLen} bytes exceeds the limit of {po.MaxFooterBytes}", byteOffset: length - 8);
        long footerStart = length - 8 - footerLen;
        byte[] footer = new byte[footerLen];
        ReadExactly(file, footer, footerStart, path);
        ParquetFileMetadata meta;
        ParquetSchemaTree tree;
        try
        {
            meta = ParquetMetadataParser.ParseFileMetadata(footer);
            if (meta.HasEncryptionAlgorithm)
                throw new DataFormatException(path, "encrypted Parquet is not supported");
            tree = ParquetSchemaTree.Build(meta.Schema);
        }
        catch (ParquetException e)
        {
            throw new DataFormatException(path, "file metadata is corrupt: " + e.Message, byteOffset: footerStart, inner: e);
        }
        CheckRowGroups(path, meta, tree, footerStart);
        var columns = BuildColumns(path, tree, options.Columns, options.Flatten);
        return new ParquetTableReader(path, file, po, meta, tree, columns, length, footerStart);
    }

    private static void CheckRowGroups(string path, ParquetFileMetadata meta, ParquetSchemaTree tree, long footerStart)
    {
        if (meta.NumRows < 0)
            throw new DataFormatException(path, $"file metadata says {meta.NumRows} rows", byteOffset: footerStart);
        long sum = 0;
        for (int g = 0; g < meta.RowGroups.Count; g++)
        {
            var rg = meta.RowGroups[g];
            if (rg.NumRows < 0)
                throw new DataFormatException(path, $"row group {g} says {rg.NumRows} rows", byteOffset: footerStart);
            sum += rg.NumRows;
            if (rg.Columns.Count != tree.Leaves.Count)
                throw new DataFormatException(path, $"row group {g} has {rg.Columns.Count} column chunks where the schema has {tree.Leaves.Count} leaf columns", byteOffset: footerStart);
            for (int c = 0; c < rg.Columns.Count; c++)
            {
                var cc = rg.Columns[c];
                string name = tree.Leaves[c].PathString;
                if (cc.IsEncrypted)
                    throw new DataFormatException(path, "encrypted Parquet is not supported", column: name);
                if (!cc.HasMetadata)
                    throw new DataFormatException(path, $"row group {g} lacks the metadata of a column chunk", column: name, byteOffset: footerStart);
                if (cc.FilePath is not null)
                    throw new DataFormatException(path, $"column chunks in other files ('{cc.FilePath}') are not supported", column: name);
            }
        }
        // Some writers leave num_rows at 0; the row groups are what gets read.
        meta.NumRows = sum;
    }

    private static ParquetOutputColumn[] BuildColumns(string path, ParquetSchemaTree tree, IReadOnlyList<string>? projection, bool flatten)
    {
        var all = new List<ParquetOutputColumn>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(ParquetSchemaNode field, string baseName)
        {
            // Flattening opens plain structs (not lists, maps or repeated groups) into parent_child columns.
            if (flatten && !field.IsLeaf && !field.IsRepeated && !field.IsListAnnotated && !field.IsMapAnnotated)
            {
                foreach (var child in field.Children)
                    Add(child, baseName + "_" + child.Name);
                return;
            }
            // Same rules as the other readers: an empty name becomes column_N, a repeated one gets _2, _3...
            if (string.IsNullOrWhiteSpace(baseName))
                baseName = $"column_{all.Count + 1}";
            string name = baseName;
            for (int k = 2; !names.Add(name); k++)
                name = baseName + "_" + k;
            all.Add(ParquetOutputColumn.Create(path, name, field));
        }
        foreach (var field in tree.Root.Children)
            Add(field, field.Name);
        if (projection is null)
            return all.ToArray();
        var picked = new List<ParquetOutputColumn>();
        foreach (string want in projection)
        {
            var c = all.FirstOrDefault(x => string.Equals(x.Schema.Name, want, StringComparison.OrdinalIgnoreCase))
                ?? throw new DataFormatException(path, $"no column '{want}'; the columns are: {string.Join(", ", all.Select(x => x.Schema.Name))}", column: want);
            if (picked.Contains(c))
                throw new DataFormatException(path, $"column '{want}' is asked for twice", column: want);
            picked.Add(c);
        }
        return picked.ToArray();
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> dst, long offset, string path)
    {
        int done = 0;
        while (done < dst.Length)
        {
            int n = RandomAccess.Read(file, dst[done..], offset + done);
            if (n == 0)
                throw new DataFormatException(path, "file ends early", byteOffset: offset + done);
            done += n;
        }
    }

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        if (batch.Columns.Length != _columns.Length)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns where the reader has {_columns.Length}", nameof(batch));
        if (maxRows <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxRows));
        batch.Clear();
        batch.FirstRow = _rowsEmitted;
        while (batch.RowCount < maxRows)
        {
            if (_groupRow >= _groupRows && !NextRowGroup())
                break;
            int n = (int)Math.Min(maxRows - batch.RowCount, _groupRows - _groupRow);
            EmitColumns((int)_groupRow, n, batch);
            _groupRow += n;
            batch.RowCount += n;
            _rowsEmitted += n;
        }
        return batch.RowCount > 0;
    }

    /// <summary>
    /// Appends rows to every column. Columns are independent (own pages, own output lane), so with
    /// parallelism they run at once; the first error in column order is the one reported either way.
    /// </summary>
    private void EmitColumns(int firstRow, int n, ColumnBatch batch)
    {
        int parallelism = Math.Max(1, _options.MaxParallelism);
        // A prefetched group is already decoded: emitting is copying, and the pool's threads are busy decoding ahead.
        if (parallelism == 1 || _columns.Length < 2 || n < 1024 || _groupPrefetched)
        {
            for (int c = 0; c < _columns.Length; c++)
                EmitColumn(c, firstRow, n, batch);
            return;
        }
        var errors = new Exception?[_columns.Length];
        Parallel.For(0, _columns.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, c =>
        {
            try
            {
                EmitColumn(c, firstRow, n, batch);
            }
            catch (Exception e)
            {
                errors[c] = e;
            }
        });
        foreach (var e in errors)
            if (e is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
    }

    private void EmitColumn(int c, int firstRow, int n, ColumnBatch batch)
    {
        try
        {
            _columns[c].Emit(firstRow, n, batch.Columns[c]);
        }
        catch (ParquetException e)
        {
            // Decoding problems of streamed pages arrive with their page; a bounds error elsewhere here would be a bug, not bad data.
            string page = e.Page is int p ? $", page {p}" : "";
            throw new DataFormatException(Path, $"{e.Message} (row group {_rowGroup}{page})", column: _columns[c].Schema.Name, byteOffset: e.ByteOffset, row: _rowsBefore + firstRow, inner: e);
        }
    }

    private bool NextRowGroup()
    {
        while (true)
        {
            if (_rowGroup >= 0)
            {
                _rowsBefore += _groupRows;
                _bytesBefore += _groupBytes;
            }
            _groupRows = 0;
            _groupRow = 0;
            _groupBytes = 0;
            if (_rowGroup + 1 >= _meta.RowGroups.Count)
            {
                _rowGroup = _meta.RowGroups.Count;
                _bytesBefore = BytesTotal;
                return false;
            }
            _rowGroup++;
            var rg = _meta.RowGroups[_rowGroup];
            long bytes = 0;
            foreach (var cc in rg.Columns)
                bytes += Math.Max(0, cc.TotalCompressedSize);
            _groupBytes = bytes;
            if (rg.NumRows == 0)
                continue;
            StartPrefetches();
            _groupPrefetched = TakePrefetched(rg);
            if (!_groupPrefetched)
                LoadRowGroup(rg);
            _groupRows = rg.NumRows;
            return true;
        }
    }

    /// <summary>Row groups that were decoded ahead and used (for tests: the prefetch path must really run).</summary>
    internal int RowGroupsDecodedAhead { get; private set; }

    private bool Prefetching => _options.MaxParallelism > 1 && _work.Length > 0;

    /// <summary>Keeps up to <see cref="PrefetchDepth"/> row groups after the current one decoding on the thread pool.</summary>
    private void StartPrefetches()
    {
        if (!Prefetching)
            return;
        if (_nextPrefetch <= _rowGroup)
            _nextPrefetch = _rowGroup;
        while (_nextPrefetch < _meta.RowGroups.Count && _nextPrefetch <= _rowGroup + PrefetchDepth)
        {
            int g = _nextPrefetch++;
            var rg = _meta.RowGroups[g];
            if (rg.NumRows == 0 || !FitsPrefetch(rg))
                continue;
            var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : new PrefetchedRowGroup(_work.Length, _options);
            slot.RowGroup = g;
            _unitOrder ??= Enumerable.Range(0, _work.Length)
                .OrderByDescending(i => rg.Columns[_work[i].Column.Leaves[_work[i].Leaf].LeafIndex].TotalUncompressedSize).ToArray();
            foreach (int i in _unitOrder)
            {
                slot.Errors[i] = null;
                int unit = i;
                slot.Tasks[i] = Task.Run(() => PrefetchUnit(slot, g, unit));
            }
            _ahead.Enqueue(slot);
        }
    }

    private bool FitsPrefetch(ParquetRowGroup rg)
    {
        long bytes = 0;
        foreach (var (col, l) in _work)
        {
            var cc = rg.Columns[col.Leaves[l].LeafIndex];
            bytes += Math.Max(0, cc.TotalUncompressedSize) + Math.Max(0, cc.NumValues) * 16;
        }
        return bytes <= PrefetchMaxBytes;
    }

    private void PrefetchUnit(PrefetchedRowGroup slot, int group, int unit)
    {
        try
        {
            var rg = _meta.RowGroups[group];
            var (col, l) = _work[unit];
            var leaf = col.Leaves[l];
            var cc = rg.Columns[leaf.LeafIndex];
            // Held whole, so a chunk may decode to little more than its footer claims: one that lies about its size
            // fails here and is then streamed under the usual limit, rather than several such chunks being held at once.
            long claimed = Math.Max(0, cc.TotalUncompressedSize) + Math.Max(0, cc.NumValues) * 16;
            var decoder = slot.Decoders[unit];
            decoder.MaxDecodedBytes = Math.Min(_options.MaxColumnChunkBytes, 2 * claimed + (1 << 20));
            LoadChunk(group, rg, leaf, cc, slot.Chunks[unit], decoder, ref slot.Buffers[unit], decodeWhole: true);
        }
        catch (Exception e)
        {
            slot.Errors[unit] = e;
        }
    }

    /// <summary>
    /// Swaps the row group's prefetched chunks into the columns. False when it was not prefetched, or its decoding
    /// failed: then it is read again page by page, so problems are reported where they lie, after the rows before them.
    /// </summary>
    private bool TakePrefetched(ParquetRowGroup rg)
    {
        while (_ahead.Count > 0 && _ahead.Peek().RowGroup < _rowGroup)
        {
            var stale = _ahead.Dequeue();
            stale.Wait();
            _freeSlots.Push(stale);
        }
        if (_ahead.Count == 0 || _ahead.Peek().RowGroup != _rowGroup)
            return false;
        var slot = _ahead.Dequeue();
        bool ok = slot.Wait();
        if (ok)
        {
            for (int i = 0; i < _work.Length; i++)
            {
                var (col, l) = _work[i];
                (col.Chunks[l], slot.Chunks[i]) = (slot.Chunks[i], col.Chunks[l]);
                (col.Decoders[l], slot.Decoders[i]) = (slot.Decoders[i], col.Decoders[l]);
                (col.Buffers[l], slot.Buffers[i]) = (slot.Buffers[i], col.Buffers[l]);
            }
        }
        _freeSlots.Push(slot);
        if (!ok)
            return false;
        PrepareColumns(rg);
        RowGroupsDecodedAhead++;
        return true;
    }

    private void LoadRowGroup(ParquetRowGroup rg)
    {
        // Chunks decode independently (each leaf has its own decoder and buffers), so they can run in parallel;
        // errors are collected per chunk and the first in column order is thrown, so the message does not depend on timing.
        var errors = new Exception?[_work.Length];
        void Load(int i)
        {
            var (col, l) = _work[i];
            try
            {
                // A decoder swapped in from a prefetch slot may carry that slot's tighter limit.
                col.Decoders[l].MaxDecodedBytes = _options.MaxColumnChunkBytes;
                LoadChunk(_rowGroup, rg, col.Leaves[l], rg.Columns[col.Leaves[l].LeafIndex], col.Chunks[l], col.Decoders[l], ref col.Buffers[l], decodeWhole: !col.IsFlat);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        }
        int parallelism = Math.Max(1, _options.MaxParallelism);
        if (parallelism == 1 || _work.Length < 2)
            for (int i = 0; i < _work.Length; i++) Load(i);
        else
            Parallel.For(0, _work.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, Load);
        foreach (var e in errors)
            if (e is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        PrepareColumns(rg);
    }

    private void PrepareColumns(ParquetRowGroup rg)
    {
        foreach (var col in _columns)
        {
            try
            {
                col.Prepare(rg.NumRows);
            }
            catch (ParquetException e)
            {
                throw new DataFormatException(Path, $"{e.Message} (row group {_rowGroup})", column: col.Schema.Name, inner: e);
            }
        }
    }

    /// <summary>Reads a chunk's bytes; decodes it whole for a nested column, or just checks it for a flat one (which then streams page by page).</summary>
    private void LoadChunk(int group, ParquetRowGroup rg, ParquetSchemaNode leaf, ParquetColumnChunk meta, LeafChunk output, ColumnChunkDecoder decoder, ref byte[] buffer, bool decodeWhole)
    {
        string column = leaf.PathString;
        if (!ParquetDecompressor.IsSupported(meta.Codec))
            throw new DataFormatException(Path, $"{meta.Codec.ToString().ToUpperInvariant()} compression is not supported (row group {group})", column: column);
        long start = meta.DataPageOffset;
        if (meta.DictionaryPageOffset is long d && d > 0 && d < start)
            start = d;
        long size = meta.TotalCompressedSize;
        if (start < 4 || size <= 0 || start > _dataEnd || size > _dataEnd - start)
            throw new DataFormatException(Path, $"column chunk at {start} of {size} bytes lies outside the file's data (row group {group})", column: column, byteOffset: start);
        if (size > Array.MaxLength)
            throw new DataFormatException(Path, $"column chunk of {size} bytes is too large (row group {group})", column: column, byteOffset: start);
        // Old parquet-mr left the dictionary page header out of total_compressed_size (PARQUET-816);
        // a little slack past the chunk costs nothing since decoding stops at the chunk's value count.
        size += Math.Min(100, _dataEnd - (start + size));
        if (buffer.Length < size)
            buffer = GC.AllocateUninitializedArray<byte>((int)Math.Max(size, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
        var chunk = buffer.AsSpan(0, (int)size);
        ReadExactly(_file, chunk, start, Path);
        try
        {
            if (decodeWhole)
                decoder.Decode(buffer, (int)size, start, meta, leaf, rg.NumRows, output);
            else
                decoder.Start(buffer, (int)size, start, meta, leaf, rg.NumRows, output);
        }
        catch (Exception e) when (IsDataProblem(e))
        {
            throw new DataFormatException(Path, $"{Problem(e)} (row group {group}, page {decoder.PageIndex})", column: column, byteOffset: decoder.PageOffset, inner: e);
        }
    }

    public void Dispose()
    {
        // Prefetch tasks read the file; let them finish before the handle closes.
        foreach (var slot in _ahead)
            slot.Wait();
        _ahead.Clear();
        _file.Dispose();
    }

    // Decoders check what they read; a bounds exception that still escapes one means corrupt data, not a bug to crash on.
    private static bool IsDataProblem(Exception e) => e is ParquetException or IndexOutOfRangeException or ArgumentOutOfRangeException
        or ArgumentException or OverflowException;

    private static string Problem(Exception e) => e is ParquetException ? e.Message : "corrupt data (" + e.Message + ")";
}
