namespace Trawl.Formats.Tables;

/// <summary>
/// The declared type of a column as a reader knows it. Text formats (CSV, TSV) declare
/// <see cref="Text"/> and leave type inference to the ingest pipeline; JSON declares
/// <see cref="Any"/> because a JSON column may hold numbers in one row and strings in the next.
/// </summary>
public enum ColumnType : byte
{
    /// <summary>Values of any kind; each row says its own <see cref="ValueKind"/>.</summary>
    Any,
    Boolean,
    Int64,
    Double,
    /// <summary>UTF-8 text.</summary>
    Text,
    /// <summary>Raw bytes.</summary>
    Binary,
    /// <summary>UTF-8 JSON text for a nested value (object, array).</summary>
    Json,
    /// <summary>A calendar date, carried as text "YYYY-MM-DD".</summary>
    Date,
    /// <summary>A timestamp, carried as ISO 8601 text.</summary>
    Timestamp,
}
