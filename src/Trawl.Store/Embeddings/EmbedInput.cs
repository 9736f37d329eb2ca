namespace Trawl.Store.Embeddings;

/// <summary>What a column holds for <see cref="DatasetEmbedder"/>: texts, or images (file paths or images in webdataset shards).</summary>
public enum EmbedInput
{
    Text,
    Image,
}
