namespace Trawl.ClickHouse.Engines;

/// <summary>A column as ClickHouse declares it: a name and a type such as <c>Nullable(String)</c> or <c>Array(Float32)</c>.</summary>
public sealed record ColumnSpec(string Name, string Type);
