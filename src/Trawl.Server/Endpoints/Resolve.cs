using Trawl.Server.Hosting;
using Trawl.Server.Requests;
using Trawl.Store.Contracts;
using Trawl.Store.Datasets;

namespace Trawl.Server.Endpoints;

/// <summary>Path segments to datasets and tables. A segment names a thing exactly, or the thing plus a format
/// extension ("rows.json"); an exact name wins, so a table really called "x.json" is still reachable.</summary>
internal static class Resolve
{
    public static (IDatasetSource Dataset, OutputFormat Format) Dataset(DatasetCatalog catalog, string segment)
    {
        if (catalog.Contains(segment))
            return (catalog.Get(segment), OutputFormat.Html);
        var (name, format) = OutputFormats.Split(segment);
        if (format is OutputFormat.Json && catalog.Contains(name))
            return (catalog.Get(name), format);
        // "/nodb.json" asks for the dataset "nodb" as JSON: name that, not the file-like segment.
        string asked = format is OutputFormat.Json ? name : segment;
        throw new NotFoundException($"no dataset named '{asked}' (datasets: {string.Join(", ", catalog.Datasets.Select(d => d.Name))})");
    }

    public static (TableInfo Table, OutputFormat Format) Table(IDatasetSource dataset, string segment)
    {
        var exact = DatasetCatalog.FindTable(dataset, segment);
        if (exact is not null)
            return (exact, OutputFormat.Html);
        var (name, format) = OutputFormats.Split(segment);
        if (format != OutputFormat.Html && DatasetCatalog.FindTable(dataset, name) is { } table)
            return (table, format);
        throw new NotFoundException($"dataset '{dataset.Name}' has no table named '{segment}'");
    }
}
