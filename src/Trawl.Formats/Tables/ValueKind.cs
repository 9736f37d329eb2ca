namespace Trawl.Formats.Tables;

/// <summary>What one cell of a <see cref="ColumnValues"/> holds, and so where its value is stored.</summary>
public enum ValueKind : byte
{
    Null = 0,
    /// <summary>Stored in the Int64 lane as 0 or 1.</summary>
    Boolean,
    /// <summary>Stored in the Int64 lane.</summary>
    Int64,
    /// <summary>Stored in the Double lane.</summary>
    Double,
    /// <summary>UTF-8 bytes in the byte lane.</summary>
    Text,
    /// <summary>Raw bytes in the byte lane.</summary>
    Binary,
    /// <summary>UTF-8 JSON text (object or array) in the byte lane; written out as raw JSON.</summary>
    Json,
}
