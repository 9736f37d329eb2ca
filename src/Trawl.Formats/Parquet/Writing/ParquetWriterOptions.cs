namespace Trawl.Formats.Parquet.Writing;

/// <summary>Settings of a <see cref="ParquetFileWriter"/>, checked when it is created.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>Rows per row group (DuckDB's default is 122,880).</summary>
    public int RowGroupRows { get; init; } = 122_880;
    /// <summary>Values per data page at most.</summary>
    public int PageRows { get; init; } = 20_000;
    public ParquetWriteCompression Compression { get; init; } = ParquetWriteCompression.Snappy;
    /// <summary>Zstd level (1..19).</summary>
    public int ZstdLevel { get; init; } = 3;
    /// <summary>Dictionary-encode text columns whose row group has few enough distinct values.</summary>
    public bool Dictionary { get; init; } = true;
    /// <summary>A column chunk falls back to plain encoding when its dictionary would exceed this many bytes.</summary>
    public int MaxDictionaryBytes { get; init; } = 4 << 20;
    /// <summary>Written as the footer's created_by.</summary>
    public string CreatedBy { get; init; } = "trawl";

    internal void Validate()
    {
        if (RowGroupRows < 1) throw new ArgumentOutOfRangeException(nameof(RowGroupRows), RowGroupRows, "row groups need at least one row");
        if (PageRows < 1) throw new ArgumentOutOfRangeException(nameof(PageRows), PageRows, "pages need at least one value");
        if (ZstdLevel is < 1 or > 19) throw new ArgumentOutOfRangeException(nameof(ZstdLevel), ZstdLevel, "zstd levels run from 1 to 19");
        if (!Enum.IsDefined(Compression)) throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "unknown compression");
    }
}
