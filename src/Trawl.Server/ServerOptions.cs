namespace Trawl.Server;

/// <summary>How <c>trawl serve</c> serves.</summary>
public sealed class ServerOptions
{
    /// <summary>Address to bind; loopback unless the user says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8001;

    /// <summary>Time limit for SQL on the query page and for facet/count queries.</summary>
    public TimeSpan SqlTimeLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most rows the query page returns.</summary>
    public int SqlMaxRows { get; init; } = 1000;

    /// <summary>Heavy requests (facets or histograms over a search or filters, SQL, kNN) running at once.</summary>
    public int HeavyWorkSlots { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Heavy requests waiting for a slot; beyond them the server answers 503 with Retry-After.</summary>
    public int HeavyWorkQueue { get; init; } = 2 * Math.Max(2, Environment.ProcessorCount);
    /// <summary>A CLIP model folder: queries by text and image (null: vectors only).</summary>
    public string? ClipModel { get; init; }

    /// <summary>clip-retrieval's extra embeddings (aesthetic ratings, violence prompts); see ClipExtras.</summary>
    public string? ClipExtras { get; init; }

    /// <summary>Whether a query's image_url may be fetched by the server (off: no requests to arbitrary hosts).</summary>
    public bool AllowFetch { get; init; }

    /// <summary>Send Datasette's CORS headers (<c>--cors</c>): any origin may read the site.</summary>
    public bool Cors { get; init; }

    /// <summary>/robots.txt allows crawlers (<c>--allow-robots</c>); by default it blocks them.</summary>
    public bool AllowRobots { get; init; }

    /// <summary>Datasette-style metadata (<c>--metadata</c>): titles, descriptions, license and source, hidden tables,
    /// canned queries.</summary>
    public Metadata.SiteMetadata Metadata { get; init; } = Trawl.Server.Metadata.SiteMetadata.Empty;
}
