namespace Trawl.Store.Columns;

/// <summary>SQLite's storage classes, in the order SQLite sorts them (NULL, numbers, text, blobs).</summary>
public enum StoredValueKind : byte
{
    Null = 0,
    Integer = 1,
    Real = 2,
    Text = 3,
    Blob = 4,
}
