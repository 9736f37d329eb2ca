namespace Trawl.Server.Requests;

/// <summary>What a URL asks for: a page, or one of its machine-readable twins (chosen by the path's extension).</summary>
internal enum OutputFormat
{
    Html,
    Json,
    Csv,
    JsonLines,
}
