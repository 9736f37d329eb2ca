using System.Text;

namespace Trawl.Store.Columns;

/// <summary>Where a table's column files live: <c>columns/TABLE.COLUMN.{i64,f64,codes,dict}</c> and
/// <c>columns/TABLE.manifest.json</c>, names escaped so any table or column name is a safe file name.</summary>
internal static class ColumnFiles
{
    public const string FolderName = "columns";

    public static string Folder(string datasetDirectory) => Path.Combine(datasetDirectory, FolderName);

    public static string Manifest(string folder, string table) => Path.Combine(folder, Escape(table) + ".manifest.json");

    public static string File(string folder, string table, string column, ColumnEncoding encoding, ColumnFilePart part) =>
        Path.Combine(folder, $"{Escape(table)}.{Escape(column)}.{Extension(encoding, part)}");

    /// <summary>
    /// Present while an append rewrites the table's dictionaries in place (see <see cref="ColumnStoreBuilder"/>): if
    /// a crash leaves it, the dictionaries may be torn, so the table's column files are not used and the next build
    /// starts them anew. Two dot-separated parts, like the ranking files, so it never collides with a column's file.
    /// </summary>
    public static string DictionaryRewriteMarker(string folder, string table) => Path.Combine(folder, Escape(table) + ".dict-rewrite");

    /// <summary>The table's full-text ranking files: <c>TABLE.doclen</c> and <c>TABLE.termfreq</c> (two dot-separated
    /// parts, so they never collide with a column's three).</summary>
    public static string SearchFile(string folder, string table, ColumnFilePart part) => Path.Combine(folder, Escape(table) + part switch
    {
        ColumnFilePart.DocumentLengths => ".doclen",
        ColumnFilePart.TermFrequencies => ".termfreq",
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    });

    /// <summary>Segment <paramref name="segment"/> of the table's repeated-term file: <c>TABLE.termfreq</c> for the
    /// first, <c>TABLE.termfreq.K</c> for those appends added.</summary>
    public static string TermFrequencySegment(string folder, string table, int segment)
    {
        string first = SearchFile(folder, table, ColumnFilePart.TermFrequencies);
        return segment == 0 ? first : first + "." + segment.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Deletes the table's repeated-term segments from <paramref name="count"/> on (left by a compaction).</summary>
    public static void DeleteTermFrequencySegmentsFrom(string folder, string table, int count)
    {
        string prefix = Path.GetFileName(SearchFile(folder, table, ColumnFilePart.TermFrequencies)) + ".";
        foreach (string f in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(f);
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            string suffix = name[prefix.Length..];
            if (int.TryParse(suffix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= count)
            {
                try { System.IO.File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static string Extension(ColumnEncoding encoding, ColumnFilePart part) => (encoding, part) switch
    {
        (ColumnEncoding.Int64, _) => "i64",
        (ColumnEncoding.Float64, _) => "f64",
        (ColumnEncoding.Dictionary, ColumnFilePart.Codes) => "codes",
        (ColumnEncoding.Dictionary, _) => "dict",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    /// <summary>Letters, digits, '_' and '-' stay; every other UTF-8 byte becomes %XX (so '.' never appears).</summary>
    public static string Escape(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            char c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-')
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Temporary files of an interrupted build: removed before the next build.</summary>
    public static bool IsTemporary(string fileName) => fileName.Contains(".tmp-", StringComparison.Ordinal);
}
