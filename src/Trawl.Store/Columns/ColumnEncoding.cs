namespace Trawl.Store.Columns;

/// <summary>How a column is kept by row position beside the rows. A column may have several.</summary>
public enum ColumnEncoding
{
    /// <summary>Every value an integer or NULL: one long per row (<c>.i64</c>), NULL as <see cref="long.MinValue"/>.</summary>
    Int64 = 1,
    /// <summary>Every value a number or NULL, each exact as a double: one double per row (<c>.f64</c>), NULL as a NaN.</summary>
    Float64 = 2,
    /// <summary>Few distinct values of any kind: a code per row (<c>.codes</c>) into a dictionary (<c>.dict</c>)
    /// that also holds each value's rank in SQLite's order.</summary>
    Dictionary = 3,
    /// <summary>Not a column's: the table's full-text ranking data (<c>.doclen</c>, <c>.termfreq</c>), see
    /// <see cref="SearchRanking"/>.</summary>
    SearchRanking = 4,
}
