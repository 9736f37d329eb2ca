using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.AnnIndexes;
using Trawl.Store.Ingest;
using Trawl.Store.Sql;
using Trawl.Store.VectorSets;
using Trawl.Vectors;
using Trawl.Vectors.Duplicates;
using Trawl.Vectors.Indexes;
using Trawl.Vectors.MinHash;

namespace Trawl.Store.Duplicates;

/// <summary>
/// <c>trawl dedupe</c>: finds near-duplicate rows of a table, by their vectors (through the set's ANN index
/// with exact re-check when it has one, else an exact blocked self-join) or by MinHash over a text column;
/// joins pairs into clusters (union-find); writes <c>dup_cluster</c> and <c>dup_of</c> (see
/// <see cref="DuplicateColumns"/>). The vector pair search saves its work every chunk of rows and resumes
/// after an interruption. Memory: 4 bytes a row for the clusters plus one chunk's pairs; pairs spill to disk.
/// </summary>
public static class DatasetDedupe
{
    public static DedupeReport Run(string datasetPath, DedupeRequest request, IProgress<DedupeProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckThreshold(request.Threshold);
        if (request.Candidates is < 1 or > 1000) throw new UserErrorException($"--candidates {request.Candidates}: give a number from 1 to 1000");
        if (request.MaxPairsPerRow < 1) throw new UserErrorException("the pairs kept per row must be at least 1");
        var clock = Stopwatch.StartNew();
        using var dataset = Dataset.Open(datasetPath);
        using var writeLock = IngestLock.Acquire(dataset.Directory);
        return request.Method == DedupeMethod.MinHash
            ? RunMinHash(dataset, request, progress, clock, cancel)
            : RunVectors(dataset, request, progress, clock, cancel);
    }

    /// <summary>The one rule for a similarity threshold: a number in (0, 1].</summary>
    public static void CheckThreshold(double threshold)
    {
        if (!(threshold > 0 && threshold <= 1))
            throw new UserErrorException($"--threshold {threshold.ToString(CultureInfo.InvariantCulture)}: a similarity threshold must be greater than 0 and at most 1");
    }

    private static DedupeReport RunVectors(Dataset dataset, DedupeRequest request, IProgress<DedupeProgress>? progress, Stopwatch clock, CancellationToken cancel)
    {
        if (dataset.ListVectorSets().Count == 0)
            throw new UserErrorException($"dataset '{dataset.Name}' has no vector sets; use --text COLUMN --minhash for text, or ingest embeddings");
        VectorSetInfo set = dataset.ChooseVectorSet(request.VectorSet);
        VectorMetric vectorMetric = request.Metric is { } m ? VectorMetricNames.Parse(m, "--metric") : set.Metric;
        if (vectorMetric is not (VectorMetric.Cosine or VectorMetric.InnerProduct))
            throw new UserErrorException($"vector set '{set.Name}' is searched by {VectorMetricNames.Name(vectorMetric)}; dedupe compares by similarity: give --metric cosine or --metric ip");
        string metric = VectorMetricNames.Name(vectorMetric);
        var file = dataset.OpenVectorSet(set.Name);
        VectorMatrix data = file.Matrix;
        if (data.Rows > int.MaxValue) throw new UserErrorException($"vector set '{set.Name}' has {data.Rows:N0} rows; dedupe handles up to {int.MaxValue:N0}");
        int rows = (int)data.Rows;

        progress?.Report(new DedupeProgress(DedupePhase.Preparing, 0, rows));
        float[]? norms = RowNorms.InverseNorms(data, out long bad, cancel);
        if (norms is null)
            throw new UserErrorException($"vector set '{set.Name}' ({set.File}): row {bad} holds NaN or infinite values; fix or drop that row before dedupe");
        var exact = new ExactSimilarityJoin(data, metric == "cosine" ? norms : null, (float)request.Threshold);

        IVectorIndex? index = request.Exact ? null : DatasetIndexes.Open(dataset, set.Name);
        try
        {
            if (index is not null && index.Metric != (metric == "cosine" ? VectorMetric.Cosine : VectorMetric.InnerProduct))
            {
                index.Dispose();
                index = null; // an index built for another metric ranks the wrong neighbours
            }
            string search = index?.Factory ?? "exact";
            IndexCandidateJoin? candidates = index is null ? null : new IndexCandidateJoin(index, exact, (float)request.Threshold, request.Candidates,
                new IndexSearchOptions { Ef = request.Ef ?? Math.Max(64, 2 * (request.Candidates + 1)) });

            string key = string.Join('|', set.Name, set.Checksum, metric, request.Threshold.ToString("R", CultureInfo.InvariantCulture), search,
                request.Candidates, request.MaxPairsPerRow, request.Ef);
            using var work = DedupeWork.Open(DedupeWork.FolderFor(dataset.Directory, set.Table), key, request.Restart);
            long? resumedAt = work.NextRow > 0 ? work.NextRow : null;
            int chunk = request.RowsPerChunk > 0 ? request.RowsPerChunk : Math.Max(4096, rows / 100);
            for (long start = work.NextRow; start < rows; start += chunk)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(new DedupeProgress(DedupePhase.Pairs, start, rows));
                long end = Math.Min(rows, start + chunk);
                var found = candidates is null
                    ? exact.Run(start, end, request.MaxPairsPerRow, cancel)
                    : candidates.Run(start, end, request.MaxPairsPerRow, cancel);
                work.Commit(found, end);
            }
            progress?.Report(new DedupeProgress(DedupePhase.Pairs, rows, rows));

            var sample = candidates is null || request.RecallSample <= 0 ? [] : SampleRows(rows, request.RecallSample);
            var sampleSet = sample.ToHashSet();
            var foundForSample = new HashSet<(long, long)>();
            var clusters = new UnionFind(rows);
            long pairs = 0;
            foreach (var p in work.ReadPairs())
            {
                clusters.Union((int)p.First, (int)p.Second);
                pairs++;
                if (sampleSet.Contains(p.First) || sampleSet.Contains(p.Second)) foundForSample.Add((p.First, p.Second));
            }
            // The index path can list a pair from both of its rows; count each once.
            if (candidates is not null) pairs = CountDistinct(work);

            double? recall = null;
            long samplePairs = 0;
            if (sample.Length > 0)
            {
                progress?.Report(new DedupeProgress(DedupePhase.Recall, 0, sample.Length));
                var truth = ExactPairsOf(exact, sample, rows, cancel);
                samplePairs = truth.Count;
                if (truth.Count > 0) recall = truth.Count(foundForSample.Contains) / (double)truth.Count;
            }

            var report = Finish(dataset, set.Table, clusters, rowid => rowid, request, search, rows, pairs, recall, sample.Length, samplePairs, resumedAt, progress, clock, cancel);
            work.Delete();
            return report;
        }
        finally
        {
            index?.Dispose();
        }
    }

    private static long CountDistinct(DedupeWork work)
    {
        // Pairs are few next to rows; a set of them is bounded by rows × pairs per row.
        var distinct = new HashSet<(long, long)>();
        foreach (var p in work.ReadPairs()) distinct.Add((p.First, p.Second));
        return distinct.Count;
    }

    private static long[] SampleRows(int rows, int wanted)
    {
        int n = Math.Min(rows, wanted);
        var sample = new long[n];
        for (int i = 0; i < n; i++) sample[i] = (long)((i + 0.5) * rows / n);
        return sample;
    }

    /// <summary>Every pair (with any row) of each sample row, by exact scan: the oracle for the candidate search's recall.</summary>
    private static HashSet<(long, long)> ExactPairsOf(ExactSimilarityJoin exact, long[] sample, int rows, CancellationToken cancel)
    {
        var truth = new HashSet<(long, long)>();
        var perRow = new List<(long, long)>[sample.Length];
        Parallel.For(0, sample.Length, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            long s = sample[i];
            var list = new List<(long, long)>();
            var row = new float[exact.Dimension];
            exact.RowAsFloat(s, row);
            for (long j = 0; j < rows; j++)
            {
                if (j == s) continue;
                if (exact.Similarity(row, s, j) >= exact.Threshold) list.Add(s < j ? (s, j) : (j, s));
            }
            perRow[i] = list;
        });
        foreach (var l in perRow) truth.UnionWith(l);
        return truth;
    }

    private static DedupeReport RunMinHash(Dataset dataset, DedupeRequest request, IProgress<DedupeProgress>? progress, Stopwatch clock, CancellationToken cancel)
    {
        string columnName = request.TextColumn ?? throw new UserErrorException("--minhash needs --text COLUMN");
        var tables = dataset.ListTables();
        TableInfo table = request.Table is { } t ? dataset.GetTable(t)
            : tables.Count == 1 ? tables[0]
            : throw new UserErrorException($"dataset '{dataset.Name}' has several tables; say which with --table ({string.Join(", ", tables.Select(x => x.Name))})");
        var column = table.FindColumn(columnName)
            ?? throw new UserErrorException($"table '{table.Name}' has no column '{columnName}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
        if (request.Permutations is < 8 or > 1024) throw new UserErrorException("--permutations must be from 8 to 1024");
        if (request.ShingleWords is < 1 or > 16) throw new UserErrorException("--shingle must be from 1 to 16 words");

        var hasher = new MinHasher(request.Permutations, request.ShingleWords);
        string folder = DedupeWork.FolderFor(dataset.Directory, table.Name);
        string key = string.Join('|', "minhash", table.Name, column.Name, table.RowCount, dataset.DataVersion, request.Permutations, request.ShingleWords,
            request.Threshold.ToString("R", CultureInfo.InvariantCulture), request.MaxPairsPerRow);
        var banding = LshBanding.For(request.Permutations, request.Threshold);
        long total = table.RowCount;
        long[] ids;
        List<SimilarPair> found;
        long? resumedAt;
        using (var work = MinHashWork.Open(folder, key, request.Permutations, request.Restart))
        {
            resumedAt = work.Resumed ? work.Signed : null;
            if (!work.SignaturesComplete)
                Sign(dataset, table, column, work, hasher, request, total, progress, cancel);
            work.Signatures.Seal();
            ids = work.ReadRowIds();
            found = MinHashJoin.Run(work.Signatures, banding, request.Threshold, request.MaxPairsPerRow, work.NextBand, work.ReadPairs(), (band, pairs) =>
            {
                work.CommitBand(band, pairs);
                progress?.Report(new DedupeProgress(DedupePhase.Pairs, band + 1, banding.Bands));
            }, cancel);
        }
        var clusters = new UnionFind(ids.Length);
        foreach (var p in found) clusters.Union((int)p.First, (int)p.Second);
        var report = Finish(dataset, table.Name, clusters, position => ids[position], request, $"minhash {banding.Bands}x{banding.Rows}",
            ids.Length, found.Count, null, 0, 0, resumedAt, progress, clock, cancel);
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return report;
    }

    /// <summary>Signs the rows after the last one saved, in rowid order, saving every chunk of rows.</summary>
    private static void Sign(Dataset dataset, TableInfo table, ColumnInfo column, MinHashWork work, MinHasher hasher, DedupeRequest request, long total,
        IProgress<DedupeProgress>? progress, CancellationToken cancel)
    {
        int chunk = request.RowsPerChunk > 0 ? request.RowsPerChunk : 65_536;
        var sig = new uint[request.Permutations];
        long signed = work.Signed;
        using (var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Storage.DatasetPaths.MetaDb(dataset.Directory), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT rowid, {SqlNames.Quote(column.Name)} FROM {SqlNames.Quote(table.Name)} WHERE rowid > $last ORDER BY rowid";
            cmd.Parameters.AddWithValue("$last", work.LastRowid);
            using var r = cmd.ExecuteReader();
            char[] text = new char[256];
            progress?.Report(new DedupeProgress(DedupePhase.Preparing, signed, total));
            while (r.Read())
            {
                long rowid = r.GetInt64(0);
                int length = 0;
                if (!r.IsDBNull(1))
                {
                    long n = r.GetChars(1, 0, null, 0, 0);
                    if (n > text.Length) text = new char[Math.Max(n, text.Length * 2)];
                    length = (int)r.GetChars(1, 0, text, 0, (int)n);
                }
                hasher.Sign(text.AsSpan(0, length), sig);
                work.Append(rowid, sig);
                if (++signed % chunk == 0)
                {
                    work.CommitSignatures(complete: false);
                    progress?.Report(new DedupeProgress(DedupePhase.Preparing, signed, total));
                    cancel.ThrowIfCancellationRequested();
                }
            }
        }
        work.CommitSignatures(complete: true);
    }

    /// <summary>Chooses each cluster's kept row, writes the columns and builds the report.</summary>
    private static DedupeReport Finish(Dataset dataset, string table, UnionFind clusters, Func<int, long> rowidOf, DedupeRequest request, string search,
        long rows, long pairs, double? recall, int sampleRows, long samplePairs, long? resumedAt, IProgress<DedupeProgress>? progress, Stopwatch clock, CancellationToken cancel)
    {
        int n = clusters.Count;
        // Cluster sizes by root (a root is the smallest position of its cluster).
        var size = new int[n];
        for (int i = 0; i < n; i++) size[clusters.Find(i)]++;
        // Kept row per root: the root itself (first) or the best by a column.
        var kept = new int[n];
        for (int i = 0; i < n; i++) kept[i] = i;
        if (request.Keep.BestColumn is { } best)
            ChooseBest(dataset, table, best, clusters, size, rowidOf, kept, cancel);
        long clusterCount = 0, inClusters = 0;
        for (int i = 0; i < n; i++)
            if (size[i] > 1) { clusterCount++; inClusters += size[i]; }

        progress?.Report(new DedupeProgress(DedupePhase.Writing, 0, inClusters));
        IEnumerable<DuplicateColumns.Assignment> Assignments()
        {
            for (int i = 0; i < n; i++)
            {
                int root = clusters.Find(i);
                if (size[root] < 2) continue;
                int keep = kept[root];
                yield return new DuplicateColumns.Assignment(rowidOf(i), rowidOf(root), i == keep ? null : rowidOf(keep));
            }
        }
        var settings = new Dictionary<string, object?>
        {
            ["search"] = search, ["threshold"] = request.Threshold, ["keep"] = request.Keep.ToString(),
            ["vectors"] = request.Method == DedupeMethod.Vectors ? request.VectorSet : null, ["text"] = request.TextColumn,
            ["at"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
        };
        DuplicateColumns.Write(dataset.Directory, table, Assignments(), settings, cancel);
        return new DedupeReport(table, search, request.Threshold, request.Keep.ToString(), rows, pairs, clusterCount, inClusters,
            inClusters - clusterCount, recall, sampleRows, samplePairs, resumedAt, clock.Elapsed);
    }

    private static void ChooseBest(Dataset dataset, string table, string column, UnionFind clusters, int[] size, Func<int, long> rowidOf, int[] kept, CancellationToken cancel)
    {
        var info = dataset.GetTable(table);
        var col = info.FindColumn(column)
            ?? throw new UserErrorException($"--keep best:{column}: table '{table}' has no column '{column}' (columns: {string.Join(", ", info.Columns.Select(c => c.Name))})");
        int n = clusters.Count;
        // Positions are in rowid order, so a merge walk over the rows maps rowids back to positions.
        var bestValue = new double[n];
        Array.Fill(bestValue, double.NegativeInfinity);
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Storage.DatasetPaths.MetaDb(dataset.Directory), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT rowid, {SqlNames.Quote(col.Name)} FROM {SqlNames.Quote(table)} ORDER BY rowid";
        using var r = cmd.ExecuteReader();
        int position = 0;
        long count = 0;
        while (r.Read() && position < n)
        {
            if ((++count & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
            long rowid = r.GetInt64(0);
            while (position < n && rowidOf(position) < rowid) position++;
            if (position >= n || rowidOf(position) != rowid) continue;
            int root = clusters.Find(position);
            if (size[root] > 1 && !r.IsDBNull(1) && r.GetFieldType(1) != typeof(string) && r.GetFieldType(1) != typeof(byte[]))
            {
                double v = r.GetDouble(1);
                // Strictly greater: ties keep the smaller rowid, which came first.
                if (v > bestValue[root]) { bestValue[root] = v; kept[root] = position; }
            }
            position++;
        }
    }
}
