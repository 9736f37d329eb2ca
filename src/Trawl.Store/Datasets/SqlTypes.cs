namespace Trawl.Store.Datasets;

/// <summary>The names of <see cref="SqlType"/>s as SQL declares them and as the JSON output shows them.</summary>
public static class SqlTypes
{
    /// <summary>"INTEGER", "REAL", "TEXT" or "BLOB".</summary>
    public static string Name(this SqlType type) => type switch
    {
        SqlType.Integer => "INTEGER",
        SqlType.Real => "REAL",
        SqlType.Blob => "BLOB",
        _ => "TEXT",
    };

    /// <summary>A declared type name; anything but INTEGER, REAL and BLOB is text (as stored tables declare only these four).</summary>
    public static SqlType Parse(string name) => name.Trim().ToUpperInvariant() switch
    {
        "INTEGER" => SqlType.Integer,
        "REAL" => SqlType.Real,
        "BLOB" => SqlType.Blob,
        _ => SqlType.Text,
    };

    /// <summary>INTEGER or REAL: filters compare such columns as numbers, histograms accept them.</summary>
    public static bool IsNumeric(this SqlType type) => type is SqlType.Integer or SqlType.Real;
}
