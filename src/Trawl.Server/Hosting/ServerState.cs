using Microsoft.Extensions.Logging;
using Trawl.Server.Facets;

namespace Trawl.Server.Hosting;

/// <summary>What every endpoint needs: the datasets, the options and the caches.</summary>
internal sealed class ServerState(DatasetCatalog catalog, ServerOptions options, ILogger logger)
{
    public DatasetCatalog Catalog { get; } = catalog;
    public ServerOptions Options { get; } = options;
    public FacetCache Facets { get; } = new();
    public ILogger Logger { get; } = logger;
    public HeavyWorkGate HeavyWork { get; } = new(options.HeavyWorkSlots, options.HeavyWorkQueue);
    public Clip.ClipQueries ClipQueries { get; init; } = new(null, Clip.ClipExtras.Empty, false);
}
