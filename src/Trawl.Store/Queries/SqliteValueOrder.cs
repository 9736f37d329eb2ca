namespace Trawl.Store.Queries;

/// <summary>SQLite's order of values (NULL, then numbers, then text by bytes, then blobs), for sorting values in C#
/// exactly as ORDER BY would.</summary>
internal sealed class SqliteValueOrder : IComparer<object?>
{
    public static readonly SqliteValueOrder Instance = new();

    public int Compare(object? x, object? y)
    {
        int rx = Rank(x), ry = Rank(y);
        if (rx != ry)
            return rx.CompareTo(ry);
        return x switch
        {
            null => 0,
            string s => Utf8Compare(s, (string)y!),
            byte[] b => b.AsSpan().SequenceCompareTo((byte[])y!),
            long l when y is long m => l.CompareTo(m),
            _ => Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    // SQLite's BINARY collation compares UTF-8 bytes, which differs from UTF-16 ordinal order for some characters.
    private static int Utf8Compare(string a, string b) =>
        System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b));

    private static int Rank(object? v) => v switch
    {
        null => 0,
        long or double or int => 1,
        string => 2,
        _ => 3,
    };
}
