using Trawl.Store.Queries;
using Trawl.Store.Sql;

namespace Trawl.Store.Datasets;

/// <summary>
/// A dataset folder (<c>NAME.trawl/</c>) opened for reading: tables, rows, search, facets and
/// read-only SQL, through a pool of read-only SQLite connections. Thread-safe.
/// Writing goes through <see cref="Trawl.Store.Ingest.DatasetIngest"/>.
/// </summary>
public sealed class Dataset : IDisposable
{
    private Dataset(string directory)
    {
        Directory = directory;
    }

    /// <summary>The dataset's name: its folder name without ".trawl".</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    /// <summary>Opens an existing dataset; a missing folder or one without meta.db is a <see cref="UserErrorException"/>.
    /// A path without ".trawl" also finds "PATH.trawl".</summary>
    public static Dataset Open(string path) => throw new NotImplementedException();

    /// <summary>Tables in the dataset (not the FTS or _trawl_ tables), by name.</summary>
    public IReadOnlyList<TableInfo> ListTables() => throw new NotImplementedException();

    /// <summary>A table by name (case-insensitive), or a <see cref="UserErrorException"/> naming the tables there are.</summary>
    public TableInfo GetTable(string name) => throw new NotImplementedException();

    /// <summary>A page of rows. Unknown columns in filters or sort are a <see cref="UserErrorException"/>.</summary>
    /// <param name="count">Also count all matching rows.</param>
    public RowPage QueryRows(TableQuery query, bool count = true) => throw new NotImplementedException();

    /// <summary>How many rows match (ignoring Size and Next).</summary>
    public long CountRows(TableQuery query) => throw new NotImplementedException();

    /// <summary>Top values of <paramref name="column"/> among the rows that match <paramref name="query"/>.</summary>
    public FacetResult Facet(TableQuery query, string column, int limit = 30) => throw new NotImplementedException();

    /// <summary>Columns worth faceting: few distinct values (2..limit) over the table, cached at ingest.</summary>
    public IReadOnlyList<string> SuggestFacets(string table) => throw new NotImplementedException();

    /// <summary>Histogram of a numeric column among the matching rows.</summary>
    public Histogram Histogram(TableQuery query, string column, int bins = 20) => throw new NotImplementedException();

    /// <summary>One row by rowid (columns start with "rowid"), or null when there is none.</summary>
    public (IReadOnlyList<string> Columns, object?[] Values)? GetRow(string table, long rowid) => throw new NotImplementedException();

    /// <summary>Every matching row in order (ignores Size and Next), streamed for exports: columns first, then rows.</summary>
    public IEnumerable<object?[]> StreamRows(TableQuery query, out IReadOnlyList<string> columns) => throw new NotImplementedException();

    /// <summary>Runs one read-only statement: writes, ATTACH and state-changing PRAGMAs are refused
    /// (<see cref="UserErrorException"/>); stops at the time limit (<see cref="SqlTimeoutException"/>).</summary>
    public SqlResult ExecuteSql(string sql, SqlOptions? options = null) => throw new NotImplementedException();

    /// <summary>Size of the dataset's files on disk in bytes.</summary>
    public long SizeOnDisk() => throw new NotImplementedException();

    public void Dispose() { }
}
