namespace Trawl.Store.FullText;

/// <summary>An FTS5 index in a layout Trawl's own readers and writers of its records do not handle (another
/// version, options Trawl never sets, or damage).</summary>
internal sealed class FtsLayoutException(string message) : Exception(message);
