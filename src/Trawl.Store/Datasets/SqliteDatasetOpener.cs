using Trawl.Store.Contracts;

namespace Trawl.Store.Datasets;

/// <summary>Opens dataset folders (NAME.trawl, or NAME finding NAME.trawl) with the embedded SQLite backend: every
/// location that is not a URI (or is a file:// URI).</summary>
public sealed class SqliteDatasetOpener : IDatasetOpener
{
    public string Backend => "sqlite";

    public bool Handles(string location) => DatasetOpeners.SchemeOf(location) is null or "file";

    public IDatasetSource Open(string location) =>
        Dataset.Open(DatasetOpeners.SchemeOf(location) == "file" ? new Uri(location).LocalPath : location);
}
