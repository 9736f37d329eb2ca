namespace Trawl.Formats.WebDataset;

/// <summary>One regular file inside a tar shard: its member name and where its bytes lie in the shard.</summary>
/// <param name="Name">The member name (a pax or GNU long name when the header carries one).</param>
/// <param name="HeaderOffset">Byte offset of the member's first header block (for messages).</param>
/// <param name="DataOffset">Byte offset of the member's data in the shard.</param>
/// <param name="Length">Length of the data in bytes.</param>
public readonly record struct TarEntry(string Name, long HeaderOffset, long DataOffset, long Length);
