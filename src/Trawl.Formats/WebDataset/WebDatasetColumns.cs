namespace Trawl.Formats.WebDataset;

/// <summary>
/// The columns <see cref="WebDatasetReader"/> adds to each sample's own fields: its key and where its image lies
/// (the shard's full path, the byte offset and length of the image member, and the member's extension), so images
/// are kept by reference and never copied into a dataset.
/// </summary>
public static class WebDatasetColumns
{
    public const string Key = "key";
    public const string Text = "txt";
    public const string ImageShard = "image_shard";
    public const string ImageOffset = "image_offset";
    public const string ImageLength = "image_length";
    public const string ImageFormat = "image_format";
}
