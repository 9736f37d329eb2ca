namespace Trawl.Store.Embeddings;

/// <summary>One row's image as stored (not yet decoded), with the name errors give it (a file path or the row and shard).</summary>
/// <param name="FileName">The image's file name when it came from a file (its extension is checked against the bytes), else null.</param>
public sealed record EncodedImage(byte[] Bytes, string Name, string? FileName);
