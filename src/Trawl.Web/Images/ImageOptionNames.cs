namespace Trawl.Web.Images;

/// <summary>The command-line spellings of <see cref="ResizeMode"/> and <see cref="EncodeFormat"/> (img2dataset's), parsed in one place.</summary>
public static class ImageOptionNames
{
    public static IReadOnlyList<string> ResizeModes { get; } = ["no", "keep_ratio", "keep_ratio_largest", "center_crop", "border"];

    public static IReadOnlyList<string> EncodeFormats { get; } = ["jpg", "png", "webp"];

    public static ResizeMode ParseResizeMode(string name) => name switch
    {
        "no" => ResizeMode.No,
        "keep_ratio" => ResizeMode.KeepRatio,
        "keep_ratio_largest" => ResizeMode.KeepRatioLargest,
        "center_crop" => ResizeMode.CenterCrop,
        "border" => ResizeMode.Border,
        _ => throw new Store.UserErrorException($"unknown resize mode '{name}' (one of {string.Join(", ", ResizeModes)})"),
    };

    public static EncodeFormat ParseEncodeFormat(string name) => name switch
    {
        "jpg" or "jpeg" => EncodeFormat.Jpg,
        "png" => EncodeFormat.Png,
        "webp" => EncodeFormat.Webp,
        _ => throw new Store.UserErrorException($"unknown encode format '{name}' (one of {string.Join(", ", EncodeFormats)})"),
    };

    /// <summary>The tar member extension (and parquet column name) for a format, as img2dataset writes it.</summary>
    public static string Extension(EncodeFormat format) => format switch
    {
        EncodeFormat.Jpg => "jpg",
        EncodeFormat.Png => "png",
        EncodeFormat.Webp => "webp",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
