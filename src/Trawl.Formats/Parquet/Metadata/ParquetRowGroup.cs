namespace Trawl.Formats.Parquet.Metadata;

/// <summary>A RowGroup: a horizontal slice of the file with one chunk per leaf column.</summary>
internal sealed class ParquetRowGroup
{
    public List<ParquetColumnChunk> Columns { get; } = new();
    public long TotalByteSize { get; set; }
    public long NumRows { get; set; }
}
