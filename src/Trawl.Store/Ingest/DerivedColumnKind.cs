namespace Trawl.Store.Ingest;

/// <summary>What a derived column computes.</summary>
public enum DerivedColumnKind
{
    /// <summary>The host name of a URL column (<c>--derive domain=URLCOL</c>), computed on the bytes.</summary>
    Domain,

    /// <summary>Any SQL expression over the source's columns (<c>--derive NAME="EXPR"</c>), evaluated by SQLite with
    /// Trawl's functions (<see cref="Sql.TrawlFunctions"/>).</summary>
    Expression,

    /// <summary>A source column replaced by a conversion of itself (<c>--convert COL=python-list-to-json</c>).</summary>
    Convert,
}
