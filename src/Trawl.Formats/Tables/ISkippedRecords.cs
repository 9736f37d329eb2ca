namespace Trawl.Formats.Tables;

/// <summary>
/// A reader that leaves out records it must refuse and keeps reading (a tar member with a path trick, a damaged
/// shard's tail) says how many and why, so the ingest can report them instead of failing the whole run.
/// </summary>
public interface ISkippedRecords
{
    /// <summary>Records left out so far.</summary>
    long SkippedRecords { get; }

    /// <summary>Why, one message per skip naming the file and byte offset (the first ones only; the count goes on).</summary>
    IReadOnlyList<string> SkipMessages { get; }
}
