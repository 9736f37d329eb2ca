using Microsoft.AspNetCore.Builder;

namespace Trawl.Server;

/// <summary>Builds the web application that serves datasets' pages and JSON API.</summary>
public static class TrawlServer
{
    /// <summary>Builds (does not start) the app serving the datasets at <paramref name="datasetPaths"/>.</summary>
    public static WebApplication Build(IReadOnlyList<string> datasetPaths, ServerOptions options)
        => throw new NotImplementedException();
}
