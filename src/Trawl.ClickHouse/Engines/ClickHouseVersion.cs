using System.Globalization;

namespace Trawl.ClickHouse.Engines;

/// <summary>A server version as <c>SELECT version()</c> prints it (e.g. "18.16.1", "26.5.1.1"); only major and minor matter.</summary>
public readonly record struct ClickHouseVersion(int Major, int Minor) : IComparable<ClickHouseVersion>
{
    public static ClickHouseVersion Parse(string text)
    {
        string[] parts = text.Trim().Split('.');
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
            throw new FormatException($"cannot read a ClickHouse version from '{text}'");
        return new ClickHouseVersion(major, minor);
    }

    public bool AtLeast(int major, int minor) => CompareTo(new ClickHouseVersion(major, minor)) >= 0;

    public int CompareTo(ClickHouseVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";
}
