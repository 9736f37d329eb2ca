using System.Diagnostics;
using System.Text;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Vectors;
using Trawl.Vectors.Search;
using Trawl.Vectors.Storage;

namespace Trawl.Store.VectorSets;

/// <summary>
/// A dataset's vector sets: reads <c>_trawl_vector_sets</c>, keeps each set's file memory-mapped with its
/// <see cref="ExactSearch"/> (so cosine norms are computed once), and answers <see cref="KnnQuery"/>s.
/// Thread-safe. A set whose registry row changes (re-ingest) is opened again; the old mapping stays until
/// the dataset is disposed, so searches running on it never see it unmapped.
/// </summary>
internal sealed class VectorSetCatalog(Dataset dataset) : IDisposable
{
    private const string RegistryTable = "_trawl_vector_sets";

    private sealed record OpenSet(VectorSetInfo Info, VectorSetFile File, ExactSearch Search);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, OpenSet> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<VectorSetFile> _retired = [];
    private readonly AnnIndexes.IndexCache _indexes = new();
    private bool _disposed;

    public IReadOnlyList<VectorSetInfo> List() => dataset.ReadWith(conn =>
    {
        using (var exists = conn.CreateCommand())
        {
            exists.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{RegistryTable}'";
            if ((long)exists.ExecuteScalar()! == 0)
                return (IReadOnlyList<VectorSetInfo>)[];
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT name, table_name, file, element_type, dimension, count, metric, checksum FROM {RegistryTable} ORDER BY name";
        var sets = new List<VectorSetInfo>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            string name = r.GetString(0);
            sets.Add(new VectorSetInfo(name, r.GetString(1), r.GetString(2),
                VectorElementTypeNames.Parse(r.GetString(3), $"vector set '{name}': element type"),
                r.GetInt32(4), r.GetInt64(5), VectorMetricNames.Parse(r.GetString(6), $"vector set '{name}': metric"),
                r.IsDBNull(7) ? "" : r.GetString(7)));
        }
        return sets;
    });

    public VectorSetInfo Get(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sets = List();
        return sets.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserErrorException(sets.Count == 0
                ? $"dataset '{dataset.Name}' has no vector sets; ingest vectors with --vectors NAME=FILES"
                : $"dataset '{dataset.Name}' has no vector set '{name}' (vector sets: {string.Join(", ", sets.Select(s => s.Name))})");
    }

    /// <summary>The set named, or without a name the only set (of <paramref name="table"/> when given); else an error
    /// naming the sets there are and <paramref name="chooseWith"/> (how the caller names one, e.g. "--vectors NAME").</summary>
    public VectorSetInfo Choose(string? name, string? table, string chooseWith)
    {
        if (!string.IsNullOrEmpty(name))
            return Get(name);
        var sets = List().Where(s => table is null || s.Table.Equals(table, StringComparison.OrdinalIgnoreCase)).ToList();
        string where = table is null ? $"dataset '{dataset.Name}'" : $"table '{table}' of dataset '{dataset.Name}'";
        return sets.Count switch
        {
            0 => throw new UserErrorException($"{where} has no vector sets; ingest vectors with --vectors NAME=FILES"),
            1 => sets[0],
            _ => throw new UserErrorException($"{where} has several vector sets; choose one with {chooseWith} ({string.Join(", ", sets.Select(s => s.Name))})"),
        };
    }

    public VectorSetFile Open(string name) => OpenChecked(Get(name)).File;

    private OpenSet OpenChecked(VectorSetInfo info)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open.TryGetValue(info.Name, out var cached) && cached.Info == info)
                return cached;
            var opened = OpenFile(info);
            if (cached is not null)
                _retired.Add(cached.File);
            _open[info.Name] = opened;
            return opened;
        }
    }

    private OpenSet OpenFile(VectorSetInfo info)
    {
        string path = Path.GetFullPath(Path.Combine(dataset.Directory, info.File));
        string root = Path.GetFullPath(dataset.Directory) + Path.DirectorySeparatorChar;
        if (!path.StartsWith(root, StringComparison.Ordinal))
            throw new UserErrorException($"vector set '{info.Name}': its file '{info.File}' lies outside the dataset folder");
        if (!File.Exists(path))
            throw new UserErrorException($"vector set '{info.Name}': file {path} is missing; ingest the vectors again");
        VectorSetFile file;
        try
        {
            // The registry's count and checksum are the committed state: rows an append is still writing past them
            // are not seen, and a header not yet raised after the commit does not matter.
            file = VectorSetFile.Open(path, info.Count, Trawl.Store.Storage.VectorSetRegistry.ParseChecksum(info.Checksum));
        }
        catch (VectorFormatException e)
        {
            throw new UserErrorException($"vector set '{info.Name}': {e.Message}", e);
        }
        try
        {
            var table = dataset.GetTable(info.Table);
            long rows = file.Header.Count;
            if (rows != info.Count || rows != table.RowCount)
                throw new UserErrorException($"vector set '{info.Name}' ({path}) holds {rows:N0} vectors but table '{table.Name}' has {table.RowCount:N0} rows"
                    + (rows != info.Count ? $" and the registry says {info.Count:N0}" : "") + "; ingest the vectors again so that row i of the set is rowid i");
            if (file.Header.Dimension != info.Dimension)
                throw new UserErrorException($"vector set '{info.Name}' ({path}) has dimension {file.Header.Dimension} but the registry says {info.Dimension}");
            if (file.Header.ElementType is not (VectorElementType.Float32 or VectorElementType.Float16))
                throw new UserErrorException($"vector set '{info.Name}' ({path}) holds {file.Header.ElementType} vectors; kNN queries need f16 or f32");
            return new OpenSet(info, file, ExactSearch.Create(file.Matrix, info.Metric));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public KnnResult Knn(KnnQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clock = Stopwatch.StartNew();
        var info = Get(query.VectorSet);
        if (query.K < 1 || query.K > KnnQuery.MaxK)
            throw new UserErrorException($"k must be between 1 and {KnnQuery.MaxK:N0}, not {query.K}");
        if ((query.Row is null) == (query.Vector is null))
            throw new UserErrorException("give either a row id or a query vector (exactly one of them)");
        var set = OpenChecked(info);
        var matrix = set.File.Matrix;
        var table = dataset.GetTable(info.Table);
        if (query.Filter is not null && !query.Filter.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"vector set '{info.Name}' belongs to table '{table.Name}', but the filter is on table '{query.Filter.Table}'");

        float[] vector;
        bool excludeRow = false;
        if (query.Row is { } row)
        {
            var source = set;
            if (query.RowVectorSet is { } other && !other.Equals(info.Name, StringComparison.OrdinalIgnoreCase))
            {
                source = OpenChecked(Get(other));
                if (!source.Info.Table.Equals(info.Table, StringComparison.OrdinalIgnoreCase) || source.File.Matrix.Dimension != matrix.Dimension)
                    throw new UserErrorException($"vector set '{source.Info.Name}' ({source.Info.Table}, dimension {source.File.Matrix.Dimension}) cannot query '{info.Name}' ({info.Table}, dimension {matrix.Dimension}): they need the same table and dimension");
            }
            else
                excludeRow = true;
            if (row < 0 || row >= source.File.Matrix.Rows)
                throw new UserErrorException($"table '{table.Name}' has no row {row} (rowids of vector set '{source.Info.Name}' run from 0 to {source.File.Matrix.Rows - 1})");
            vector = new float[matrix.Dimension];
            source.File.Matrix.CopyRowTo(row, vector);
        }
        else
        {
            vector = query.Vector!;
            if (vector.Length != matrix.Dimension)
                throw new UserErrorException($"the query vector has {vector.Length} components but vector set '{info.Name}' has dimension {matrix.Dimension}");
            for (int i = 0; i < vector.Length; i++)
            {
                if (!float.IsFinite(vector[i]))
                    throw new UserErrorException($"the query vector's component {i} is {vector[i]}; every component must be a finite number");
            }
        }

        var filter = AllowList(query, table, matrix.Rows, excludeRow ? query.Row : null);
        var options = new SearchOptions
        {
            Filter = filter,
            DeduplicateAboveCosine = query.Deduplicate ? SearchOptions.DefaultDeduplicationCosine : null,
        };
        string? indexUsed, warning;
        Trawl.Vectors.Indexes.FilterPlan? plan;
        SearchResult hits;
        try
        {
            // A current index of the set answers unless exact search or de-duplication is asked for.
            hits = AnnIndexes.IndexedSearch.TrySearch(_indexes, dataset, info, vector, query.K, filter, query,
                out indexUsed, out plan, out warning)?[0] ?? set.Search.Search(vector, query.K, options);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"vector set '{info.Name}': {e.Message}", e);
        }

        var (columns, rows) = FetchRows(table, hits.Ids);
        var similarities = new float[hits.Count];
        for (int i = 0; i < hits.Count; i++)
            similarities[i] = set.Search.Metric == VectorMetric.L2 ? -hits.Scores[i] : hits.Scores[i];
        return new KnnResult(info, columns, rows, similarities, hits.DuplicatesDropped, clock.Elapsed) { Index = indexUsed, FilterPlan = plan, Warning = warning };
    }

    public KnnBatchResult KnnBatch(KnnQuery template, ReadOnlySpan<float> queries)
    {
        ArgumentNullException.ThrowIfNull(template);
        var info = Get(template.VectorSet);
        if (template.K < 1 || template.K > KnnQuery.MaxK)
            throw new UserErrorException($"k must be between 1 and {KnnQuery.MaxK:N0}, not {template.K}");
        if (template.Row is not null || template.Vector is not null)
            throw new UserErrorException("a batch takes its queries as a matrix; leave Row and Vector empty");
        var set = OpenChecked(info);
        int dim = set.File.Matrix.Dimension;
        if (queries.Length % dim != 0)
            throw new UserErrorException($"{queries.Length} values is not a whole number of {dim}-dimensional queries (vector set '{info.Name}' has dimension {dim})");
        for (int i = 0; i < queries.Length; i++)
        {
            if (!float.IsFinite(queries[i]))
                throw new UserErrorException($"query {i / dim} component {i % dim} is {queries[i]}; every component must be a finite number");
        }
        var table = dataset.GetTable(info.Table);
        var filter = AllowList(template, table, set.File.Matrix.Rows, null);
        try
        {
            var indexed = AnnIndexes.IndexedSearch.TrySearch(_indexes, dataset, info, queries, template.K, filter, template,
                out string? indexUsed, out var plan, out string? warning);
            if (indexed is not null)
                return new KnnBatchResult(indexed, indexUsed, warning) { FilterPlan = plan };
            return new KnnBatchResult(set.Search.SearchBatch(queries, template.K, new SearchOptions
            {
                Filter = filter,
                DeduplicateAboveCosine = template.Deduplicate ? SearchOptions.DefaultDeduplicationCosine : null,
            }), null, warning);
        }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"vector set '{info.Name}': {e.Message}", e);
        }
    }

    /// <summary>The rows the filter matches (through the dataset's <see cref="Contracts.IRowFilter"/>) without the query row,
    /// as the vector engine's allow-list; null when every row is allowed.</summary>
    private RowFilter? AllowList(KnnQuery query, TableInfo table, long rowCount, long? excluded)
    {
        var allowed = query.Filter is { } tq ? dataset.MatchingRows(tq with { Table = table.Name }, rowCount) : null;
        if (excluded is { } row)
            allowed = (allowed ?? Contracts.RowSet.All(rowCount)).Without(row);
        return allowed?.ToSearchFilter();
    }

    /// <summary>The table's rows for <paramref name="ids"/>, in that order.</summary>
    private (IReadOnlyList<string> Columns, List<object?[]> Rows) FetchRows(TableInfo table, long[] ids)
    {
        var compiler = new QueryCompiler(table, new TableQuery { Table = table.Name });
        var byId = new Dictionary<long, object?[]>(ids.Length);
        if (ids.Length > 0)
        {
            dataset.ReadWith(conn =>
            {
                using var cmd = conn.CreateCommand();
                var sql = new StringBuilder($"SELECT {compiler.SelectColumns} FROM {compiler.TableSql} WHERE t.\"rowid\" IN (");
                for (int i = 0; i < ids.Length; i++)
                {
                    sql.Append(i == 0 ? "$r" : ", $r").Append(i);
                    cmd.Parameters.AddWithValue("$r" + i, ids[i]);
                }
                cmd.CommandText = sql.Append(')').ToString();
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var values = Dataset.ReadRow(r, compiler.ColumnNames.Count);
                    byId[r.GetInt64(0)] = values;
                }
                return 0;
            });
        }
        var rows = new List<object?[]>(ids.Length);
        foreach (long id in ids)
        {
            // A vector without its row means the set and table disagree; say so rather than return a hole.
            rows.Add(byId.TryGetValue(id, out var values) ? values
                : throw new UserErrorException($"vector {id} of table '{table.Name}' has no row with that rowid; ingest the vectors again"));
        }
        return (compiler.ColumnNames, rows);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _indexes.Dispose();
            foreach (var set in _open.Values)
                set.File.Dispose();
            foreach (var file in _retired)
                file.Dispose();
            _open.Clear();
            _retired.Clear();
        }
    }
}
