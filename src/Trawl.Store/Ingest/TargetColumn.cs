using Trawl.Store.Datasets;

namespace Trawl.Store.Ingest;

/// <summary>A column of the table being loaded: its type, role and, for a derived column, the spec it came from.</summary>
internal sealed class TargetColumn(string name, SqlType type, ColumnRole role)
{
    public string Name { get; } = name;
    public SqlType Type { get; } = type;
    public ColumnRole Role { get; set; } = role;

    /// <summary>For a domain column: the source column whose URLs it is computed from.</summary>
    public string? DomainOf { get; set; }

    /// <summary>For a column computed by SQL (<c>--derive NAME=EXPR</c>, <c>--convert COL=...</c>): its spec.</summary>
    public DerivedColumnSpec? Expression { get; set; }

    /// <summary>Its values are computed, not read from a source column of the same name.</summary>
    public bool IsDerived => DomainOf is not null || Expression is not null;

    public ColumnInfo ToInfo() => new(Name, Type, Role);
}
