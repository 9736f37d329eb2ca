namespace Trawl.Formats.Tables;

/// <summary>One column of a <see cref="TableSchema"/>.</summary>
/// <param name="Name">The column's name as the source spells it (flattened nested names joined with '_').</param>
/// <param name="Type">The declared type; see <see cref="ColumnType"/>.</param>
/// <param name="Description">Optional: the source's own type description (e.g. a Parquet logical type), for <c>--schema</c>.</param>
public sealed record ColumnSchema(string Name, ColumnType Type, string? Description = null);
