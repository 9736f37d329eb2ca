using Trawl.Formats.Parquet.Writing;
using Trawl.Store.Queries;

namespace Trawl.Store.Export;

/// <summary>What <see cref="DatasetExport.Run"/> writes: the rows a query selects, in a format, as parts in a folder.</summary>
public sealed record ExportRequest
{
    /// <summary>Which rows (search, filters, --where, sort); Size and Next are ignored.</summary>
    public required TableQuery Query { get; init; }
    public ExportFormat Format { get; init; } = ExportFormat.Parquet;
    public required string OutputFolder { get; init; }
    /// <summary>Rows per part file (or tar shard).</summary>
    public long PartRows { get; init; } = 1_000_000;
    /// <summary>Replace an earlier Trawl export in the folder (a folder holding anything else is never emptied).</summary>
    public bool Overwrite { get; init; }
    public ParquetWriteCompression Compression { get; init; } = ParquetWriteCompression.Snappy;
    /// <summary>Rows per Parquet row group (parquet and laion); a part holds row groups of this size and a last, smaller one.</summary>
    public int RowGroupRows { get; init; } = new ParquetWriterOptions().RowGroupRows;
    /// <summary>Vector sets written beside the metadata (Laion); null writes every set of the table.</summary>
    public IReadOnlyList<string>? VectorSets { get; init; }
}
