namespace Trawl.Store.Ingest;

/// <summary>The SQLite column types ingest declares.</summary>
internal enum SqlType : byte
{
    Integer,
    Real,
    Text,
    Blob,
}

internal static class SqlTypes
{
    public static string Name(SqlType type) => type switch
    {
        SqlType.Integer => "INTEGER",
        SqlType.Real => "REAL",
        SqlType.Blob => "BLOB",
        _ => "TEXT",
    };

    public static SqlType Parse(string name) => name.ToUpperInvariant() switch
    {
        "INTEGER" => SqlType.Integer,
        "REAL" => SqlType.Real,
        "BLOB" => SqlType.Blob,
        _ => SqlType.Text,
    };
}
