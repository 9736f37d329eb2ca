namespace Trawl.Store.Contracts;

/// <summary>
/// An opened dataset, whatever holds it: its tables, its vector sets and its row filter behind one handle.
/// The server and the CLI read datasets only through this (open one with <see cref="DatasetOpeners.Open"/>).
/// Disposing it closes the backend's connections and mappings.
/// </summary>
public interface IDatasetSource : ITableSource, IVectorCatalog, IRowFilter, IDisposable
{
    /// <summary>The dataset's name as pages and URLs show it (SQLite: the folder name without ".trawl").</summary>
    string Name { get; }

    /// <summary>Where it was opened from: a folder path or a URI (e.g. clickhouse://host/db).</summary>
    string Location { get; }

    /// <summary>What the backend can do.</summary>
    BackendCapabilities Capabilities { get; }

    /// <summary>Changes whenever the data may have changed (an ingest or append committed): caches key on it.</summary>
    string DataVersion { get; }

    /// <summary>Bytes the dataset takes where it is stored (0 when the backend cannot tell).</summary>
    long SizeOnDisk();

    /// <summary>Writes a consistent copy of the dataset's database (rows, search index, bookkeeping; what Datasette
    /// and sqlite-utils open) to the new file <paramref name="destination"/>, for a download; false when the
    /// backend has no such file.</summary>
    bool CopyDatabase(string destination) => false;
}
