namespace Trawl.Formats.Images.Exif;

/// <summary>How a tag's values are printed.</summary>
internal enum ExifValueStyle
{
    /// <summary>The value, or the list of values, as exifread prints them (<c>72</c>, <c>1/100</c>, <c>[8, 8, 8]</c>).</summary>
    Plain,
    /// <summary>Bytes as printable characters (ExifVersion <c>0230</c>).</summary>
    Text,
}
