using Trawl.Store.Storage;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Ingest;

/// <summary>
/// Adds a vector set computed by the caller (one vector per row of a table, in rowid order) to an existing
/// dataset, with the same commit protocol as an ingest: the file is completed under a pending name, registered in
/// one SQLite transaction, then renamed into place; an interrupted run leaves the dataset as it was.
/// </summary>
public static class VectorSetRegistration
{
    /// <param name="write">appends the vectors of rowids 0..n-1 in order (it may read the dataset meanwhile)</param>
    /// <returns>the number of vectors written</returns>
    public static long Add(string datasetPath, string table, string name, VectorElementType type, int dimension, VectorMetric metric, Action<VectorSetWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string directory = DatasetPaths.FindExisting(datasetPath) ?? throw new UserErrorException($"{datasetPath}: no such dataset");
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new UserErrorException($"vector set '{name}': a vector set name is letters, digits, '_' and '-'");
        string element = type switch
        {
            VectorElementType.Float16 => "f16",
            VectorElementType.Float32 => "f32",
            _ => throw new UserErrorException($"vector set '{name}': only f16 and f32 sets can be registered"),
        };
        using var datasetLock = IngestLock.Acquire(directory);
        DatasetRecovery.Run(directory);
        string folder = Path.Combine(directory, Trawl.Store.Ingest.Sinks.VectorSetSink.Folder);
        Directory.CreateDirectory(folder);
        string final = Path.Combine(folder, $"{name}.{element}");
        string pending = $"{final}{DatasetPaths.PendingMarker}{Guid.NewGuid():N}"[..(final.Length + DatasetPaths.PendingMarker.Length + 8)];
        bool published = false;
        try
        {
            ulong checksum;
            byte[] state;
            long count;
            using (var writer = VectorSetWriter.Create(pending, type, dimension, metric))
            {
                write(writer);
                count = writer.Count;
                checksum = writer.Checksum;
                state = writer.ChecksumState();
                writer.Complete();
            }
            using (var conn = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = DatasetPaths.MetaDb(directory), Pooling = false }.ToString()))
            {
                conn.Open();
                RawSql.Execute(conn.Handle!, "PRAGMA busy_timeout=10000; BEGIN IMMEDIATE");
                var info = Bookkeeping.ReadTables(conn).FirstOrDefault(t => t.Name.Equals(table, StringComparison.OrdinalIgnoreCase))
                    ?? throw new UserErrorException($"dataset has no table '{table}'");
                if (info.RowCount != count)
                    throw new UserErrorException($"vector set '{name}' has {count} vectors but table '{info.Name}' has {info.RowCount} rows");
                VectorSetRegistry.EnsureSchema(conn);
                var other = VectorSetRegistry.ReadAll(conn).FirstOrDefault(e => e.Name == name && !e.Table.Equals(info.Name, StringComparison.OrdinalIgnoreCase));
                if (other is not null)
                    throw new UserErrorException($"vector set '{name}' already belongs to table '{other.Table}'; choose another set name");
                VectorSetRegistry.Upsert(conn, new VectorSetRegistry.Entry(name, info.Name, $"{Trawl.Store.Ingest.Sinks.VectorSetSink.Folder}/{Path.GetFileName(final)}", element, dimension, count,
                    MetricName(metric), checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)) { ChecksumState = state });
                RawSql.Execute(conn.Handle!, "COMMIT");
            }
            IngestPausePoint.Reach(IngestPausePoint.Commit);
            File.Move(pending, final, overwrite: true);
            published = true;
            return count;
        }
        finally
        {
            if (!published)
                DatasetRecovery.Run(directory);
        }
    }

    internal static string MetricName(VectorMetric metric) => metric switch
    {
        VectorMetric.Cosine => "cosine",
        VectorMetric.L2 => "l2",
        _ => "ip",
    };
}
