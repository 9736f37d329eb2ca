using Microsoft.Data.Sqlite;
using Trawl.Formats.Tables;
using Trawl.Store.Ingest.Pipeline;
using Trawl.Store.Sql;
using Trawl.Store.Storage;
using Trawl.Vectors;

namespace Trawl.Store.Ingest.Sinks;

/// <summary>
/// The vector sets of an ingest, a sink beside the table. Before anything is written, every source is paired with
/// its vector part of each set and row counts are compared (Parquet footers and .npy headers). During loading it
/// takes the vector of every kept row, so --where and --dedupe drop the same rows from the sets as from the table. A set that already holds the table's earlier rows gets the new rows
/// appended in place, past its committed count; a new or replaced set is written whole under a pending name.
/// <see cref="Complete"/> makes the rows durable and records the new counts in the (uncommitted) SQLite
/// transaction; <see cref="Publish"/>, after the SQLite commit, renames pending files into place and publishes
/// the appended sets' headers. A crash at any point is put right by <see cref="Storage.DatasetRecovery"/>.
/// </summary>
internal sealed class VectorSetSink : IIngestSink
{
    public const string Folder = "vectors";

    private readonly string _directory;
    private readonly SqliteConnection _conn;
    private readonly IngestPlan _plan;
    private readonly VectorElementType _type;
    private readonly List<Dictionary<string, VectorPart>> _parts = [];
    private readonly Dictionary<string, VectorSetAppender> _sets = new(StringComparer.Ordinal);
    private readonly List<string> _deleteAfterCommit = [];
    private string _table = "";
    private VectorSetAppender[] _active = [];
    private string _source = "";
    private long _existingRows;
    private bool _replacing;
    private List<VectorSetRegistry.Entry> _registered = [];

    public VectorSetSink(string directory, SqliteConnection conn, IngestPlan plan)
    {
        _directory = directory;
        _conn = conn;
        _plan = plan;
        _type = plan.VectorType;
    }

    public string Name => "vectors";

    /// <summary>Rows written to each set (the same for every set).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>The sets written, with their row counts after the ingest (after <see cref="Complete"/>).</summary>
    public IReadOnlyList<(string Name, long Count, int Dimension)> Written { get; private set; } = [];

    public bool Any => _plan.Vectors.Count > 0;

    private static string ElementName(VectorElementType type) => type == VectorElementType.Float16 ? "f16" : "f32";

    /// <summary>Pairs sources with vector parts and checks their row counts; nothing is written yet.</summary>
    public void Validate()
    {
        if (!Any)
            return;
        var pairs = PartPairing.Pair(_plan.Sources, _plan.Vectors);
        string folder = Path.Combine(_directory, Folder);
        var options = _plan.ReaderOptions;
        for (int i = 0; i < _plan.Sources.Count; i++)
        {
            var parts = new Dictionary<string, VectorPart>(StringComparer.Ordinal);
            _parts.Add(parts);
            long? rows;
            using (var reader = TableReaders.Open(_plan.Sources[i], options))
                rows = reader.RowCount;
            foreach (var (set, spec) in pairs[i])
            {
                var part = VectorPart.Open(spec, folder);
                parts[set] = part;
                if (rows is { } n && n != part.Rows)
                    throw new UserErrorException($"{_plan.Sources[i]} has {n} rows but {part.Label} has {part.Rows} vectors; each part's rows and vectors must match one to one");
            }
        }
        foreach (string set in _plan.Vectors.Keys)
        {
            var dims = _parts.Select(p => p[set]).ToList();
            var odd = dims.FirstOrDefault(p => p.Dimension != dims[0].Dimension);
            if (odd is not null)
                throw new UserErrorException($"--vectors {set}: {dims[0].Label} has dimension {dims[0].Dimension} but {odd.Label} has {odd.Dimension}");
        }
    }

    public void Start(string table, long existingRows, bool replacing)
    {
        _table = table;
        var registered = VectorSetRegistry.ReadAll(_conn);
        foreach (var e in registered.Where(e => e.Table.Equals(table, StringComparison.OrdinalIgnoreCase)))
        {
            if (!_plan.Vectors.ContainsKey(e.Name))
            {
                if (replacing)
                {
                    // The table is loaded afresh without this set: its rows no longer match.
                    _deleteAfterCommit.Add(Path.Combine(_directory, e.File));
                    continue;
                }
                if (Any || existingRows > 0)
                    throw new UserErrorException($"table '{table}' has vector set '{e.Name}'; give --vectors {e.Name}=... for the new rows too (or use --replace)");
            }
        }
        foreach (var e in registered.Where(e => !e.Table.Equals(table, StringComparison.OrdinalIgnoreCase) && _plan.Vectors.ContainsKey(e.Name)))
            throw new UserErrorException($"vector set '{e.Name}' already belongs to table '{e.Table}'; choose another set name");
        _existingRows = existingRows;
        _replacing = replacing;
        _registered = registered;
    }

    /// <summary>Opens the new set files (copying the earlier rows) when the first source starts; an ingest that
    /// skips every part leaves the sets untouched.</summary>
    private void EnsureWriters()
    {
        if (!Any || _sets.Count > 0)
            return;
        string table = _table;
        long existingRows = _existingRows;
        bool replacing = _replacing;
        var registered = _registered;
        string folder = Path.Combine(_directory, Folder);
        Directory.CreateDirectory(folder);
        foreach (string name in _plan.Vectors.Keys)
        {
            int dimension = _parts[0][name].Dimension;
            string final = Path.Combine(folder, $"{name}.{ElementName(_type)}");
            var old = registered.FirstOrDefault(e => e.Name == name && e.Table.Equals(table, StringComparison.OrdinalIgnoreCase));
            if (old is null && existingRows > 0 && !replacing)
                throw new UserErrorException($"table '{table}' already has {existingRows} rows without vectors; vector set '{name}' can only be added with --replace");
            if (old is not null && !replacing && existingRows > 0)
            {
                string path = Path.Combine(_directory, old.File);
                if (old.Count != existingRows)
                    throw new UserErrorException($"vector set '{name}' ({path}) has {old.Count} rows, but its table has {existingRows}: the dataset is inconsistent; re-ingest with --replace");
                try
                {
                    _sets[name] = VectorSetAppender.Extend(name, path, old, _type, dimension);
                }
                catch (VectorFormatException e)
                {
                    throw new UserErrorException($"vector set '{name}': {e.Message}", e);
                }
                continue;
            }
            string pending = $"{final}{DatasetPaths.PendingMarker}{Guid.NewGuid():N}"[..(final.Length + DatasetPaths.PendingMarker.Length + 8)];
            _sets[name] = VectorSetAppender.CreatePending(name, final, pending, _type, dimension);
            if (old is not null && !Path.GetFullPath(Path.Combine(_directory, old.File)).Equals(Path.GetFullPath(final), StringComparison.Ordinal))
                _deleteAfterCommit.Add(Path.Combine(_directory, old.File));
        }
    }

    public void BeginSource(IngestSource source)
    {
        if (!Any)
            return;
        int sourceIndex = source.Index;
        EnsureWriters();
        _source = source.Path;
        _active = new VectorSetAppender[_sets.Count];
        int k = 0;
        foreach (var (name, appender) in _sets)
        {
            appender.BeginPart(_parts[sourceIndex][name]);
            _active[k++] = appender;
        }
    }

    public void Write(IngestSource source, IngestBatch batch)
    {
        if (_active.Length == 0)
            return;
        var keep = batch.Keep;
        for (int r = 0; r < keep.Length; r++)
        {
            if (!keep[r])
                continue;
            foreach (var a in _active)
                a.Keep(batch.FirstSourceRow + r, _source);
            RowsWritten++;
        }
    }

    public void EndSource(IngestSource source, long rowsRead)
    {
        foreach (var a in _active)
            a.EndPart(_source, rowsRead);
        _active = [];
    }

    /// <summary>Makes every set's rows durable (a new set completed under its pending name, appended rows flushed past
    /// the committed count) and records the new counts in the SQLite transaction.</summary>
    public void Complete()
    {
        var written = new List<(string, long, int)>();
        long tableRows = _table.Length == 0 ? 0 : RawSql.ScalarInt64(_conn, $"SELECT coalesce(max(rowid) + 1, 0) FROM {SqlNames.Quote(_table)}");
        if (_replacing)
            EnsureWriters();
        if (_table.Length > 0)
        {
            foreach (var e in VectorSetRegistry.ReadAll(_conn).Where(e => e.Table.Equals(_table, StringComparison.OrdinalIgnoreCase) && !_plan.Vectors.ContainsKey(e.Name)))
            {
                // Only reached when replacing (Start refuses otherwise): the set no longer matches the table.
                using var cmd = _conn.CreateCommand();
                cmd.CommandText = "DELETE FROM _trawl_vector_sets WHERE name = $n; DELETE FROM _trawl_vector_set_states WHERE name = $n";
                cmd.Parameters.AddWithValue("$n", e.Name);
                cmd.ExecuteNonQuery();
            }
        }
        foreach (var (name, appender) in _sets)
        {
            appender.Complete();
            if (appender.Count != tableRows)
                throw new InvalidOperationException($"vector set '{name}' has {appender.Count} rows but table '{_table}' has {tableRows}");
            VectorSetRegistry.Upsert(_conn, new VectorSetRegistry.Entry(name, _table, $"{Folder}/{Path.GetFileName(appender.FinalPath)}", ElementName(_type),
                appender.Dimension, appender.Count, "ip", appender.Checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))
            {
                ChecksumState = appender.ChecksumState,
            });
            written.Add((name, appender.Count, appender.Dimension));
        }
        Written = written;
        IngestPausePoint.Reach(IngestPausePoint.Vectors);
    }

    /// <summary>After the SQLite commit: new sets are renamed into place, appended sets' headers published.</summary>
    public void Publish()
    {
        foreach (var appender in _sets.Values)
            appender.Publish();
        foreach (string f in _deleteAfterCommit)
            DatasetRecovery.DeleteQuietly(f);
    }

    public void Dispose()
    {
        foreach (var a in _sets.Values)
            a.Dispose();
        foreach (var p in _parts.SelectMany(p => p.Values))
            p.Dispose();
    }
}
