namespace Trawl.Server;

/// <summary>How <c>trawl serve</c> serves.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to bind; loopback unless the user says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8001;

    /// <summary>Time limit for SQL on the query page and for count queries (facets too unless FacetTimeLimit is set).</summary>
    public TimeSpan SqlTimeLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most rows the query page returns.</summary>
    public int SqlMaxRows { get; init; } = 1000;

    /// <summary>Most rows on a table page (_size=max); Datasette's max_returned_rows sets it with SqlMaxRows.</summary>
    public int MaxPageSize { get; init; } = 1000;

    /// <summary>Rows on a table page without _size (Datasette's default_page_size).</summary>
    public int DefaultPageSize { get; init; } = 100;

    /// <summary>Values per facet without _facet_size (default_facet_size).</summary>
    public int DefaultFacetSize { get; init; } = 30;

    /// <summary>Time limit for facets on a table page (facet_time_limit_ms); null: the SQL time limit.</summary>
    public TimeSpan? FacetTimeLimit { get; init; }

    /// <summary>Time spent looking for facet suggestions on one page (facet_suggest_time_limit_ms).</summary>
    public TimeSpan FacetSuggestTimeLimit { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>_facet, _facet_array and _facet_date are accepted (allow_facet).</summary>
    public bool AllowFacet { get; init; } = true;

    /// <summary>Pages suggest facets (suggest_facets).</summary>
    public bool SuggestFacets { get; init; } = true;

    /// <summary>Datasets' meta.db may be downloaded at /DB.db (allow_download).</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>.csv and .jsonl stream every matching row (allow_csv_stream); off: at most max_returned_rows.</summary>
    public bool AllowCsvStream { get; init; } = true;

    /// <summary>Arbitrary SQL (the query page and _where) is allowed (Datasette's default_allow_sql).</summary>
    public bool AllowSql { get; init; } = true;

    /// <summary>Text longer than this is cut in table cells (truncate_cells_html; 0: never).</summary>
    public int TruncateCellsHtml { get; init; } = 280;

    /// <summary>Cache-Control max-age in seconds for pages without _ttl (default_cache_ttl); 0 sends no-cache.</summary>
    public int? DefaultCacheTtl { get; init; }

    /// <summary>Absolute URLs in JSON (next_url, toggle_url) use https (force_https_urls, behind a TLS proxy).</summary>
    public bool ForceHttpsUrls { get; init; }

    /// <summary>The path the site is served under behind a proxy (base_url), "/" by default; links carry it.</summary>
    public string BaseUrl { get; init; } = "/";

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
