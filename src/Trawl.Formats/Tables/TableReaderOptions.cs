namespace Trawl.Formats.Tables;

/// <summary>How to open a source file. Validated by <see cref="TableReaders.Open"/>.</summary>
public sealed class TableReaderOptions
{
    /// <summary>"csv", "tsv", "jsonl", "json", "parquet", "npy", "warc"...; null picks it from the extension under any compression extension, else from the first bytes.</summary>
    public string? Format { get; init; }

    /// <summary>For a JSON document: the key (dotted for depth, e.g. "data.rows") of the array that holds the rows, as COCO's "annotations".</summary>
    public string? JsonPath { get; init; }

    /// <summary>Nested objects become columns named parent_child; otherwise they are kept as JSON text.</summary>
    public bool Flatten { get; init; }

    /// <summary>Only these columns (projection); null reads all.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>For WARC responses: the text column holds readable text extracted from the HTML instead of the HTML itself.</summary>
    public bool HtmlToText { get; init; }

    /// <summary>The largest single record (a CSV row, a JSON line) the reader accepts before refusing the file.</summary>
    public int MaxRecordBytes { get; init; } = 64 << 20;
}
