namespace Trawl.Store.Datasets;

/// <summary>A column of a stored table.</summary>
/// <param name="Name">Column name.</param>
/// <param name="SqlType">Declared type.</param>
/// <param name="Role">What the column is for.</param>
public sealed record ColumnInfo(string Name, SqlType SqlType, ColumnRole Role);
