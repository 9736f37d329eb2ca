namespace Trawl.Store.Datasets;

/// <summary>A column of a stored table.</summary>
/// <param name="Name">Column name in SQLite.</param>
/// <param name="SqlType">Declared type: INTEGER, REAL, TEXT or BLOB.</param>
/// <param name="Role">What the column is for.</param>
public sealed record ColumnInfo(string Name, string SqlType, ColumnRole Role);
