namespace Trawl.Store.FullText;

/// <summary>One level of an FTS5 index's structure: its segments, oldest first, and how many of the first ones are
/// inputs of an incremental merge in progress (0: none).</summary>
internal sealed class FtsLevel
{
    public int Merging { get; set; }
    public List<FtsSegment> Segments { get; } = [];
}
