namespace Trawl.Store.Datasets;

/// <summary>The type a column is declared with (SQLite's storage classes; other backends map theirs onto these).</summary>
public enum SqlType : byte
{
    Integer,
    Real,
    Text,
    Blob,
}
