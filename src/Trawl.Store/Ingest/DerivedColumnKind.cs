namespace Trawl.Store.Ingest;

/// <summary>What a derived column computes from its source column.</summary>
public enum DerivedColumnKind
{
    /// <summary>The host name of a URL (<c>--derive-domain NAME=domain(URLCOL)</c>).</summary>
    Domain,
}
