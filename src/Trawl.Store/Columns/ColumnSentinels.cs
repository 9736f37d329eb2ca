namespace Trawl.Store.Columns;

/// <summary>How NULL is kept in the numeric arrays: a value SQLite never stores there.</summary>
internal static class ColumnSentinels
{
    /// <summary>NULL in an <see cref="ColumnEncoding.Int64"/> array; a column holding this integer gets no Int64 array.</summary>
    public const long NullInt64 = long.MinValue;

    /// <summary>NULL in a <see cref="ColumnEncoding.Float64"/> array: SQLite stores NaN as NULL, so no real value is NaN.</summary>
    public static readonly double NullFloat64 = double.NaN;
}
