using Trawl.Server.Requests;

namespace Trawl.Server.Metadata;

/// <summary>Datasette's metadata (metadata.yml / metadata.json) as Trawl reads it: about the whole site, each
/// database (dataset) and each table. Keys Trawl does not use are ignored, as Datasette ignores unknown keys.</summary>
public sealed record SiteMetadata(
    string? Title, string? Description, string? License, string? LicenseUrl, string? Source, string? SourceUrl,
    IReadOnlyDictionary<string, DatabaseMetadata> Databases)
{
    public static SiteMetadata Empty { get; } = new(null, null, null, null, null, null, new Dictionary<string, DatabaseMetadata>());

    /// <summary>The file it was read from (for error messages), or null.</summary>
    public string? Path { get; init; }

    /// <summary>The whole file as JSON (YAML converted), served at /-/metadata.json as Datasette does.</summary>
    public string Json { get; init; } = "{}";

    /// <summary>The database's metadata by name (case-insensitive), or null.</summary>
    public DatabaseMetadata? Database(string name) =>
        Databases.FirstOrDefault(d => d.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The table's metadata, or null.</summary>
    public TableMetadata? Table(string database, string table) =>
        Database(database)?.Tables.FirstOrDefault(t => t.Key.Equals(table, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A table listed with <c>hidden: true</c>: left out of the listings (still reachable by URL, as in Datasette).</summary>
    public bool IsHidden(string database, string table) => Table(database, table)?.Hidden == true;

    /// <summary>The canned query by name, or null.</summary>
    public CannedQuery? Query(string database, string name) =>
        Database(database)?.Queries.FirstOrDefault(q => q.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

public sealed record DatabaseMetadata(
    string? Title, string? Description, string? License, string? LicenseUrl, string? Source, string? SourceUrl,
    IReadOnlyDictionary<string, TableMetadata> Tables, IReadOnlyDictionary<string, CannedQuery> Queries);

/// <summary>A table's metadata: descriptions (of it and its columns), the label column of its rows, the facets
/// always shown (values, list elements or dates), its default sort, page size and facet size, whether it is
/// hidden, and its own license and source.</summary>
public sealed record TableMetadata(
    string? Title, string? Description, IReadOnlyDictionary<string, string> Columns, string? LabelColumn,
    IReadOnlyList<FacetRequest> Facets, string? Sort, string? SortDesc, int? Size, bool Hidden)
{
    public int? FacetSize { get; init; }

    /// <summary>sortable_columns: the only columns _sort/_sort_desc may name (null: any).</summary>
    public IReadOnlyList<string>? SortableColumns { get; init; }

    /// <summary>searchmode: raw makes _search FTS5 syntax by default.</summary>
    public bool RawSearch { get; init; }
    public string? License { get; init; }
    public string? LicenseUrl { get; init; }
    public string? Source { get; init; }
    public string? SourceUrl { get; init; }
}

/// <summary>A named read-only query (<c>/DB/NAME</c>), with <c>:name</c> parameters taken from the query string.</summary>
public sealed record CannedQuery(string Sql, string? Title, string? Description, IReadOnlyList<string> Parameters);
