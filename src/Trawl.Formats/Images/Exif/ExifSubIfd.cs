namespace Trawl.Formats.Images.Exif;

/// <summary>The directory a pointer tag leads to (its entries are named with this prefix).</summary>
internal enum ExifSubIfd
{
    None,
    Gps,
    Interoperability,
}
