using Trawl.Formats.Tables;
using Trawl.Store.Datasets;

namespace Trawl.Store.Export;

/// <summary>A column written by an export, with the Parquet type its SQL type maps to.</summary>
internal sealed record ExportColumn(string Name, ColumnType Type, ColumnRole Role)
{
    public static ExportColumn From(ColumnInfo column) => new(column.Name, column.SqlType.ToString()!.ToUpperInvariant() switch
    {
        "INTEGER" => ColumnType.Int64,
        "REAL" => ColumnType.Double,
        "BLOB" => ColumnType.Binary,
        _ => ColumnType.Text,
    }, column.Role);
}
