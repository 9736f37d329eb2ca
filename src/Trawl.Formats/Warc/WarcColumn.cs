namespace Trawl.Formats.Warc;

/// <summary>The columns of a WARC/WET/WAT source, one row per record, in schema order.</summary>
internal enum WarcColumn
{
    WarcType,
    RecordId,
    Date,
    TargetUri,
    ContentType,
    ContentLength,
    HttpStatus,
    HttpContentType,
    Title,
    Text,
}
