using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;

namespace Trawl.Server.Hosting;

/// <summary>The datasets a server serves, by name (case-insensitive), opened once at start.</summary>
internal sealed class DatasetCatalog : IDisposable
{
    private readonly List<IDatasetSource> _datasets;
    private readonly Dictionary<string, IDatasetSource> _byName = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    private DatasetCatalog(List<IDatasetSource> datasets)
    {
        _datasets = datasets;
        foreach (var d in datasets)
        {
            if (!_byName.TryAdd(d.Name, d))
                throw new UserErrorException($"two datasets are named '{d.Name}' ({_byName[d.Name].Location} and {d.Location}); serve one of them");
        }
    }

    public IReadOnlyList<IDatasetSource> Datasets => _datasets;

    public static DatasetCatalog Open(IReadOnlyList<string> paths)
    {
        var opened = new List<IDatasetSource>();
        try
        {
            foreach (string path in paths)
            {
                var dataset = DatasetOpeners.Open(path);
                opened.Add(dataset);
                // "-" starts the server's own paths (/-/static, /DB/-/query).
                if (dataset.Name == "-" || dataset.Name.Length == 0)
                    throw new UserErrorException($"{path}: a dataset cannot be named '{dataset.Name}'");
            }
            return new DatasetCatalog(opened);
        }
        catch
        {
            foreach (var d in opened)
                d.Dispose();
            throw;
        }
    }

    public IDatasetSource Get(string name) =>
        _byName.TryGetValue(name, out var d) ? d : throw new NotFoundException($"no dataset named '{name}'");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The table of that name (case-insensitive), or null.</summary>
    public static TableInfo? FindTable(IDatasetSource dataset, string name) =>
        dataset.ListTables().FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    public static TableInfo GetTable(IDatasetSource dataset, string name) =>
        FindTable(dataset, name) ?? throw new NotFoundException($"dataset '{dataset.Name}' has no table named '{name}'");

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var d in _datasets)
            d.Dispose();
    }
}
