namespace Trawl.Formats.Images.Exif;

/// <summary>One tag of <see cref="ExifTagTable"/>: its name, how its values print, the labels of enumerated values, and
/// the directory it points to when it is a pointer.</summary>
internal sealed record ExifTagInfo(string Name, ExifValueStyle Style = ExifValueStyle.Plain, IReadOnlyDictionary<long, string>? Labels = null, ExifSubIfd SubIfd = ExifSubIfd.None);
