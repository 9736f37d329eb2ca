namespace Trawl.Store.Ingest;

/// <summary>Everything <c>trawl ingest</c> can ask for.</summary>
public sealed class IngestRequest
{
    /// <summary>Source files, read in order into one table.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>Target table; null derives it from the first source's file name.</summary>
    public string? Table { get; init; }

    /// <summary>Input format; null picks it from each file's extension.</summary>
    public string? Format { get; init; }

    /// <summary>Columns to index for full-text search; null picks the longest text column (caption/TEXT/text first); empty means none.</summary>
    public IReadOnlyList<string>? SearchColumns { get; init; }

    /// <summary>A column whose values are unique keys (indexed, must be unique), or null.</summary>
    public string? PrimaryKey { get; init; }

    /// <summary>A SQL boolean expression over the source's columns; only rows where it is true are kept.</summary>
    public string? Where { get; init; }

    public bool Flatten { get; init; }

    public string? JsonPath { get; init; }

    /// <summary>WARC responses: store readable text extracted from the HTML rather than the HTML.</summary>
    public bool HtmlToText { get; init; }

    /// <summary>Derived columns: new column name → "domain(URLCOL)"-style spec; for now the source column of a host name.</summary>
    public IReadOnlyDictionary<string, string> DeriveDomain { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--derive</c> specs as the user wrote them (NAME=domain(URL), NAME=token_count(COL), NAME=SQL
    /// expression...), parsed by <see cref="DeriveSpecs"/> when the plan is made.</summary>
    public IReadOnlyList<string> Derive { get; init; } = [];

    /// <summary><c>--convert</c> specs (COL=python-list-to-json): source columns replaced by a conversion of themselves.</summary>
    public IReadOnlyList<string> Convert { get; init; } = [];

    /// <summary><c>--fk</c> specs (COL=TABLE.COLUMN): columns of this table that hold another table's keys.</summary>
    public IReadOnlyList<string> ForeignKeys { get; init; } = [];

    /// <summary>Columns computed while reading each source: token and word counts, the source's folder or file.</summary>
    public IReadOnlyList<Trawl.Formats.Derived.DerivedColumn> DerivedColumns { get; init; } = [];

    /// <summary>Rows whose values in these columns repeat an earlier row's are dropped; empty for no dedupe.</summary>
    public IReadOnlyList<string> DedupeColumns { get; init; } = [];

    public IngestMode Mode { get; init; } = IngestMode.Create;

    /// <summary>Columns to index (CREATE INDEX) for fast filters, sorts and facets over filtered rows; empty for none.
    /// Whole-table facets need no index: their counts are cached at ingest.</summary>
    public IReadOnlyList<string> IndexColumns { get; init; } = [];

    /// <summary>Vector sets to load beside the rows: set name → .npy files (or "FILE.npz" / "FILE.npz:MEMBER"), paired
    /// with <see cref="Sources"/> by the part number in their file names (the last run of digits). Row i of each
    /// part belongs to row i of its source; rows that --where or --dedupe drop are dropped from every set too.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Vectors { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Element type the vector sets are stored as: "f16" (default; f32 input is converted) or "f32".</summary>
    public string VectorType { get; init; } = "f16";

    /// <summary>Rows per batch read from a source and sent through the pipeline: 1 to <see cref="IngestPlan.MaxBatchRows"/>
    /// (1,048,576); anything else is refused before the ingest starts.</summary>
    public int BatchRows { get; init; } = 8192;

    /// <summary>Bytes of search text a new table's full-text index takes on the ingest's own thread before a second
    /// thread (<see cref="FullText.FtsSideIndex"/>) starts taking rows; below it the index is built on one thread, as
    /// it is on a one-core machine. Negative: never. (Tests lower it to build small tables in parallel.)</summary>
    internal long ParallelIndexFromBytes { get; init; } = FullText.FtsSideIndex.DefaultFromBytes;
}
