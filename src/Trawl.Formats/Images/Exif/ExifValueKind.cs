namespace Trawl.Formats.Images.Exif;

/// <summary>What an <see cref="ExifValue"/> holds.</summary>
internal enum ExifValueKind
{
    Integer,
    Ratio,
    Float,
}
