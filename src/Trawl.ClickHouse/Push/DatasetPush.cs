using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trawl.ClickHouse.Engines;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Vectors;
using Trawl.Vectors.Storage;
using static Trawl.ClickHouse.Sql.ClickHouseSql;

namespace Trawl.ClickHouse.Push;

/// <summary>
/// <c>trawl push</c>: copies a dataset table and its vector sets into a ClickHouse table (or a Distributed table over a
/// cluster), in blocks of rows sent as RowBinary. Each block is one INSERT and one row of <c>_trawl_push</c> on the
/// server once it is in, so a re-run skips what is there; a block an interrupted run left half-inserted is deleted and
/// sent again. At the end count() must equal the dataset's rows.
/// </summary>
public static class DatasetPush
{
    /// <summary>The bookkeeping table on the server the push talks to.</summary>
    public const string RecordTable = "_trawl_push";

    /// <param name="engine">Where the table goes (and, with a cluster, the server the Distributed table is created on).</param>
    /// <param name="openHost">For a cluster: opens the same database on another host of it (by address), for the DDL and
    /// deletes that must run on every host (18.16 has no ON CLUSTER without ZooKeeper).</param>
    public static PushReport Run(IClickHouseEngine engine, Dataset dataset, PushRequest request, Func<string, IClickHouseEngine>? openHost = null,
        IProgress<PushProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BlockRows < 1)
            throw new UserErrorException("--block-rows must be at least 1");
        var clock = Stopwatch.StartNew();
        TableInfo table = request.SourceTable is null
            ? dataset.ListTables().FirstOrDefault() ?? throw new UserErrorException($"dataset '{dataset.Name}' has no tables")
            : dataset.GetTable(request.SourceTable);
        var sets = dataset.ListVectorSets().Where(s => s.Table.Equals(table.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (request.VectorSets is not null)
        {
            foreach (string name in request.VectorSets)
            {
                if (!sets.Any(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    throw new UserErrorException($"table '{table.Name}' has no vector set '{name}' (sets: {string.Join(", ", sets.Select(s => s.Name))})");
            }
            sets = sets.Where(s => request.VectorSets.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        }
        progress?.Report(new PushProgress(0, table.RowCount, 0, 0, "reading the table's types"));
        var dialect = Sql.SqlDialect.For(engine.Version);
        if (request.VectorType == PushVectorType.BFloat16 && !dialect.HasBFloat16)
            throw new UserErrorException($"{engine.Location} runs ClickHouse {engine.Version}, which has no BFloat16 type (25.8 and later have it); push with --vector-type float32");
        bool bfloat16 = request.VectorType == PushVectorType.BFloat16 || (request.VectorType == PushVectorType.Auto && dialect.HasBFloat16);
        var columns = PushSchema.For(dataset, table, request.Columns, sets.Select(s => s.Name).ToList(), bfloat16);
        string indexes = request.VectorIndex ? VectorIndexes(engine, dialect, columns, sets) : "";
        var textIndexed = TextIndexed(engine, dialect, request.TextIndex, columns);
        indexes += string.Concat(textIndexed.Select(c => ",\n    " + Sql.TextIndex.Declaration(c.Name, c.Nullable)));
        var vectorFiles = sets.ToDictionary(s => s.Name, s => dataset.OpenVectorSet(s.Name), StringComparer.OrdinalIgnoreCase);

        string target = request.TargetTable ?? table.Name;
        string? local = request.Cluster is null ? null : target + "_local";
        var hosts = request.Cluster is null ? [] : CreateOnCluster(engine, request.Cluster, local!, target, columns, indexes, openHost);
        try
        {
            if (request.Cluster is null)
                CreateTable(engine, target, columns, indexes, cancel);
            string fingerprint = Fingerprint(dataset, table, columns, sets);
            RecordVectorSets(engine, target, columns, sets, request.VectorIndex, cancel);
            var done = ReadRecord(engine, target, fingerprint, cancel);

            long total = table.RowCount, sent = 0, skipped = 0, bytes = 0;
            var settings = new QuerySettings
            {
                Other = new Dictionary<string, string>
                {
                    // One block of ours must stay one insert block of the server's, so it lands whole or not at all.
                    ["max_insert_block_size"] = (request.BlockRows + 1).ToString(CultureInfo.InvariantCulture),
                    ["insert_distributed_sync"] = "1",
                },
            };
            for (long first = 0; first < total; first += request.BlockRows)
            {
                cancel.ThrowIfCancellationRequested();
                long rows = Math.Min(request.BlockRows, total - first);
                if (done.Contains(first))
                {
                    skipped += rows;
                    progress?.Report(new PushProgress(sent + skipped, total, bytes, skipped, "skipping blocks pushed before"));
                    continue;
                }
                long there = engine.Query($"SELECT count() FROM {Identifier(target)} WHERE {Identifier(columns[0].Name)} >= {first} AND {Identifier(columns[0].Name)} < {first + rows}", null, cancel).ScalarInt64();
                if (there == rows)
                {
                    // An earlier run inserted the block but stopped before recording it.
                    Record(engine, target, fingerprint, first, rows, cancel);
                    skipped += rows;
                    continue;
                }
                if (there > 0)
                    DeleteRange(request.Cluster is null ? [engine] : hosts, local ?? target, columns[0].Name, first, rows, cancel);

                long blockBytes = 0;
                engine.InsertRowBinary(Identifier(target), columns.Select(c => c.Spec).ToList(), stream =>
                {
                    var writer = new RowBinaryWriter(stream);
                    WriteBlock(writer, dataset, table, columns, vectorFiles, first, rows, r =>
                        progress?.Report(new PushProgress(sent + skipped + r, total, bytes + writer.BytesWritten, skipped, "pushing")), cancel);
                    writer.Flush();
                    blockBytes = writer.BytesWritten;
                }, settings, cancel);
                Record(engine, target, fingerprint, first, rows, cancel);
                sent += rows;
                bytes += blockBytes;
                progress?.Report(new PushProgress(sent + skipped, total, bytes, skipped, "pushing"));
            }

            progress?.Report(new PushProgress(total, total, bytes, skipped, "verifying counts"));
            long inTable = engine.Query($"SELECT count() FROM {Identifier(target)}", null, cancel).ScalarInt64();
            if (inTable != total)
                throw new ClickHouseException($"{engine.Location}: table {target} has {inTable:N0} rows after the push, the dataset table '{table.Name}' {total:N0}; "
                    + "rows were added or removed by something else: drop the table and push again");
            return new PushReport(target, local, columns.Select(c => c.Spec).ToList(), sent, skipped, inTable, bytes, clock.Elapsed, textIndexed.Select(c => c.Name).ToList());
        }
        finally
        {
            foreach (var h in hosts)
            {
                if (!ReferenceEquals(h, engine))
                    h.Dispose();
            }
        }
    }

    private static void WriteBlock(RowBinaryWriter w, Dataset dataset, TableInfo table, IReadOnlyList<PushColumn> columns,
        Dictionary<string, VectorSetFile> vectors, long first, long rows, Action<long> report, CancellationToken cancel)
    {
        var query = new TableQuery { Table = table.Name, Where = $"rowid >= {first} AND rowid < {first + rows}" };
        int maxDim = vectors.Count == 0 ? 0 : vectors.Values.Max(v => v.Matrix.Dimension);
        var vector = new float[maxDim];
        long expected = first, n = 0;
        foreach (object?[] row in dataset.StreamRows(query, out _))
        {
            long rowid = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            if (rowid != expected)
                throw new ClickHouseException($"dataset '{dataset.Name}' table '{table.Name}': rowid {expected} is missing (found {rowid}); the vector sets need rowids without gaps");
            foreach (var c in columns)
            {
                switch (c.Kind)
                {
                    case PushColumnKind.RowId:
                        w.WriteInt64(rowid);
                        break;
                    case PushColumnKind.Vector or PushColumnKind.VectorBFloat16:
                        var file = vectors[c.VectorSet!];
                        var span = vector.AsSpan(0, file.Matrix.Dimension);
                        file.Matrix.CopyRowTo(rowid, span);
                        if (c.Kind == PushColumnKind.Vector)
                            w.WriteFloat32Array(span);
                        else
                            w.WriteBFloat16Array(span);
                        break;
                    default:
                        WriteValue(w, c, row[c.SourceIndex], rowid);
                        break;
                }
            }
            expected++;
            if (++n % 4096 == 0)
            {
                cancel.ThrowIfCancellationRequested();
                report(n);
            }
        }
        if (n != rows)
            throw new ClickHouseException($"dataset '{dataset.Name}' table '{table.Name}': expected rows {first}..{first + rows - 1}, read {n}; the dataset changed during the push");
    }

    private static void WriteValue(RowBinaryWriter w, PushColumn c, object? value, long rowid)
    {
        if (c.Nullable)
        {
            w.WriteNullFlag(value is null);
            if (value is null)
                return;
        }
        else if (value is null)
        {
            throw new ClickHouseException($"row {rowid}, column '{c.Name}': NULL appeared after the types were read; the dataset changed during the push");
        }
        switch (c.Kind)
        {
            case PushColumnKind.Int64:
                w.WriteInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case PushColumnKind.Float64:
                w.WriteFloat64(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            default:
                switch (value)
                {
                    case string s: w.WriteString(s); break;
                    case byte[] b: w.WriteBytes(b); break;
                    case double d: w.WriteString(d.ToString("R", CultureInfo.InvariantCulture)); break;
                    default: w.WriteString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
                }
                break;
        }
    }

    /// <summary>The INDEX clauses of --vector-index: one HNSW index per vector column, by its set's metric.</summary>
    private static string VectorIndexes(IClickHouseEngine engine, Sql.SqlDialect dialect, IReadOnlyList<PushColumn> columns, IReadOnlyList<Store.VectorSets.VectorSetInfo> sets)
    {
        if (!dialect.HasVectorSimilarityIndex)
            throw new UserErrorException($"{engine.Location} runs ClickHouse {engine.Version}, which has no vector_similarity index (25.8 and later have it); push without --vector-index");
        var clauses = new StringBuilder();
        foreach (var c in columns.Where(c => c.VectorSet is not null))
        {
            var set = sets.First(s => s.Name.Equals(c.VectorSet, StringComparison.OrdinalIgnoreCase));
            string distance = IndexedMetric(set.Metric) == VectorMetric.L2 ? "L2Distance" : "cosineDistance";
            clauses.Append($",\n    INDEX {Identifier("vi_" + c.Name)} {Identifier(c.Name)} TYPE vector_similarity('hnsw', {String(distance)}, {set.Dimension})");
        }
        return clauses.ToString();
    }

    /// <summary>The columns --text-index puts a full-text index on: the search columns (<see cref="Queries.ClickHouseTable.ChooseSearchColumns"/>).</summary>
    private static List<PushColumn> TextIndexed(IClickHouseEngine engine, Sql.SqlDialect dialect, PushTextIndex wanted, IReadOnlyList<PushColumn> columns)
    {
        if (wanted == PushTextIndex.On && !dialect.HasTextIndex)
            throw new UserErrorException($"{engine.Location} runs ClickHouse {engine.Version}, which has no full-text (text) index (26.2 and later have it); push with --text-index auto or off");
        if (wanted == PushTextIndex.Off || !dialect.HasTextIndex)
            return [];
        var text = columns.Where(c => c.Kind == PushColumnKind.String).ToList();
        var chosen = Queries.ClickHouseTable.ChooseSearchColumns(text.Select(c => c.Name).ToList());
        return text.Where(c => chosen.Contains(c.Name)).ToList();
    }

    /// <summary>How an indexed set is searched: vector_similarity knows cosine and L2 distance only, so an inner-product
    /// set (every ingested set) is indexed and searched by cosine, which orders unit-length vectors (CLIP's) as the inner
    /// product does.</summary>
    private static VectorMetric IndexedMetric(VectorMetric metric) => metric == VectorMetric.L2 ? VectorMetric.L2 : VectorMetric.Cosine;

    private static void CreateTable(IClickHouseEngine engine, string name, IReadOnlyList<PushColumn> columns, string indexes, CancellationToken cancel)
    {
        engine.Execute($"CREATE TABLE IF NOT EXISTS {Identifier(name)}\n(\n    {PushSchema.Declaration(columns)}{indexes}\n)\nENGINE = MergeTree\nORDER BY {Identifier(columns[0].Name)}", null, cancel);
        CheckColumns(engine, name, columns);
    }

    /// <summary>The MergeTree table on every host of the cluster, then the Distributed table over it on this server.</summary>
    private static List<IClickHouseEngine> CreateOnCluster(IClickHouseEngine engine, string cluster, string local, string target,
        IReadOnlyList<PushColumn> columns, string indexes, Func<string, IClickHouseEngine>? openHost)
    {
        var addresses = engine.Query($"SELECT DISTINCT host_address FROM system.clusters WHERE cluster = {String(cluster)}").Rows
            .Select(r => (string)r[0]!).ToList();
        if (addresses.Count == 0)
            throw new UserErrorException($"{engine.Location} has no cluster '{cluster}' in its remote_servers (see system.clusters)");
        if (openHost is null)
            throw new UserErrorException("pushing to a cluster needs to reach each of its hosts");
        var hosts = new List<IClickHouseEngine>();
        try
        {
            foreach (string address in addresses)
                hosts.Add(openHost(address));
            foreach (var h in hosts)
                CreateTable(h, local, columns, indexes, default);
            engine.Execute($"CREATE TABLE IF NOT EXISTS {Identifier(target)}\n(\n    {PushSchema.Declaration(columns)}\n)\n"
                + $"ENGINE = Distributed({Identifier(cluster)}, {Identifier(engine.Database)}, {Identifier(local)}, {Identifier(columns[0].Name)})");
            CheckColumns(engine, target, columns);
            return hosts;
        }
        catch
        {
            foreach (var h in hosts)
                h.Dispose();
            throw;
        }
    }

    /// <summary>An existing table must have exactly the columns this push would create.</summary>
    private static void CheckColumns(IClickHouseEngine engine, string table, IReadOnlyList<PushColumn> columns)
    {
        // system.columns lists a table's columns in their order (18.16 has no position column to sort by).
        var existing = engine.Query($"SELECT name, type FROM system.columns WHERE database = {String(engine.Database)} AND table = {String(table)}")
            .Rows.Select(r => $"{r[0]} {r[1]}").ToList();
        var wanted = columns.Select(c => $"{c.Name} {c.Spec.Type}").ToList();
        if (!existing.SequenceEqual(wanted))
            throw new UserErrorException($"{engine.Location}: table {table} exists with other columns ({string.Join(", ", existing)}) than this push makes ({string.Join(", ", wanted)}); "
                + "drop it or push with --table OTHER");
    }

    /// <summary>What the pushed rows are a copy of: if the dataset changes, a resumed push must not mix the two.</summary>
    private static string Fingerprint(Dataset dataset, TableInfo table, IReadOnlyList<PushColumn> columns, IEnumerable<Store.VectorSets.VectorSetInfo> sets)
    {
        var sb = new StringBuilder().Append(dataset.Name).Append('/').Append(table.Name).Append('/').Append(table.RowCount);
        foreach (var c in columns)
            sb.Append('/').Append(c.Name).Append(':').Append(c.Spec.Type);
        foreach (var s in sets)
            sb.Append('/').Append(s.Name).Append(':').Append(s.Checksum);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..32].ToLowerInvariant();
    }

    /// <summary>The bookkeeping of vector columns: which set each holds, its metric and dimension.</summary>
    public const string VectorRecordTable = "_trawl_push_vectors";

    private static void RecordVectorSets(IClickHouseEngine engine, string target, IReadOnlyList<PushColumn> columns, IEnumerable<Store.VectorSets.VectorSetInfo> sets, bool indexed, CancellationToken cancel)
    {
        engine.Execute($"CREATE TABLE IF NOT EXISTS {Identifier(VectorRecordTable)} (`table` String, `column` String, `set` String, metric String, dimension Int64) "
            + "ENGINE = MergeTree ORDER BY (`table`, `column`)", null, cancel);
        var known = engine.Query($"SELECT `column` FROM {Identifier(VectorRecordTable)} WHERE `table` = {String(target)}", null, cancel).Rows.Select(r => (string)r[0]!).ToHashSet();
        foreach (var c in columns.Where(c => (c.Kind is PushColumnKind.Vector or PushColumnKind.VectorBFloat16) && !known.Contains(c.Name)))
        {
            var set = sets.First(s => s.Name.Equals(c.VectorSet, StringComparison.OrdinalIgnoreCase));
            engine.Execute($"INSERT INTO {Identifier(VectorRecordTable)} VALUES ({String(target)}, {String(c.Name)}, {String(set.Name)}, {String((indexed ? IndexedMetric(set.Metric) : set.Metric).ToString())}, {set.Dimension})", null, cancel);
        }
    }

    private static HashSet<long> ReadRecord(IClickHouseEngine engine, string target, string fingerprint, CancellationToken cancel)
    {
        engine.Execute($"CREATE TABLE IF NOT EXISTS {Identifier(RecordTable)} (`table` String, fingerprint String, first_row Int64, rows Int64, pushed_at DateTime) "
            + "ENGINE = MergeTree ORDER BY (`table`, first_row)", null, cancel);
        var rows = engine.Query($"SELECT fingerprint, first_row FROM {Identifier(RecordTable)} WHERE `table` = {String(target)}", null, cancel).Rows;
        if (rows.Any(r => (string)r[0]! != fingerprint))
            throw new UserErrorException($"{engine.Location}: table {target} holds a push of another state of the dataset (other rows, columns or vectors); "
                + "drop it and its rows in " + RecordTable + ", or push with --table OTHER");
        return rows.Select(r => (long)r[1]!).ToHashSet();
    }

    private static void Record(IClickHouseEngine engine, string target, string fingerprint, long first, long rows, CancellationToken cancel) =>
        engine.Execute($"INSERT INTO {Identifier(RecordTable)} VALUES ({String(target)}, {String(fingerprint)}, {first}, {rows}, now())", null, cancel);

    /// <summary>Deletes a half-inserted block on every host and waits until the mutation is done.</summary>
    private static void DeleteRange(IReadOnlyList<IClickHouseEngine> hosts, string table, string idColumn, long first, long rows, CancellationToken cancel)
    {
        foreach (var h in hosts)
        {
            h.Execute($"ALTER TABLE {Identifier(table)} DELETE WHERE {Identifier(idColumn)} >= {first} AND {Identifier(idColumn)} < {first + rows}", null, cancel);
            var waited = Stopwatch.StartNew();
            while (h.Query($"SELECT count() FROM system.mutations WHERE database = {String(h.Database)} AND table = {String(table)} AND is_done = 0", null, cancel).ScalarInt64() > 0)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(10))
                    throw new ClickHouseException($"{h.Location}: deleting the half-pushed rows {first}..{first + rows - 1} of {table} has not finished after 10 minutes");
                Thread.Sleep(100);
                cancel.ThrowIfCancellationRequested();
            }
        }
    }
}
