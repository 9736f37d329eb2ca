using Microsoft.Data.Sqlite;
using Trawl.Store.Ingest;
using Trawl.Store.Storage;

namespace Trawl.Store.Related;

/// <summary>One write to an existing dataset's meta.db under the ingest lock, in one transaction: all or nothing.</summary>
internal static class DatasetWrite
{
    public static T Run<T>(string datasetPath, Func<SqliteConnection, T> write)
    {
        string directory = DatasetPaths.FindExisting(datasetPath)
            ?? throw new UserErrorException($"{datasetPath}: no such dataset (ingest a file first)");
        using var datasetLock = IngestLock.Acquire(directory);
        DatasetRecovery.Run(directory);
        using var conn = DatasetIngest.OpenInPlace(DatasetPaths.MetaDb(directory));
        RawSql.Execute(conn.Handle!, "BEGIN IMMEDIATE");
        try
        {
            Bookkeeping.EnsureSchema(conn);
            T result = write(conn);
            RawSql.Execute(conn.Handle!, "COMMIT");
            DatasetIngest.Checkpoint(conn);
            return result;
        }
        catch
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(conn.Handle!) == 0)
                RawSql.Execute(conn.Handle!, "ROLLBACK");
            throw;
        }
    }

    /// <summary>The table by name (case-insensitive) or a user error listing the tables.</summary>
    public static Datasets.TableInfo Table(SqliteConnection conn, string name)
    {
        var tables = Bookkeeping.ReadTables(conn);
        return tables.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserErrorException($"no table '{name}' (tables: {string.Join(", ", tables.Select(t => t.Name))})");
    }

    /// <summary>Refuses a new table or view name that is taken (unless <paramref name="replace"/> and it is Trawl's).</summary>
    public static void CheckNewName(SqliteConnection conn, string name, bool replace)
    {
        TableTarget.ValidateTableName(name);
        string? type = RawSql.ScalarText(conn, $"SELECT type FROM sqlite_master WHERE lower(name) = lower({Sql.SqlNames.Literal(name)})");
        if (type is null)
            return;
        bool ours = Bookkeeping.ReadTables(conn).Any(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (!replace || !ours)
            throw new UserErrorException($"the dataset already has a {type} named '{name}'{(ours ? "; use --replace to make it again" : "")}");
        RawSql.Execute(conn.Handle!, $"DROP {(type == "view" ? "VIEW" : "TABLE")} {Sql.SqlNames.Quote(name)}");
        Bookkeeping.DeleteTable(conn, name);
        ForeignKeys.DeleteFor(conn, name);
    }
}
