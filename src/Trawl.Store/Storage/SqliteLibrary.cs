namespace Trawl.Store.Storage;

/// <summary>The SQLite library the embedded backend runs on (for /-/versions.json).</summary>
public static class SqliteLibrary
{
    public static string Version => SQLitePCL.raw.sqlite3_libversion().utf8_to_string();

    /// <summary>The options SQLite was compiled with (ENABLE_FTS5, THREADSAFE=1, ...).</summary>
    public static IReadOnlyList<string> CompileOptions
    {
        get
        {
            var options = new List<string>();
            for (int i = 0; i < 1000; i++)
            {
                string? option = SQLitePCL.raw.sqlite3_compileoption_get(i).utf8_to_string();
                if (string.IsNullOrEmpty(option))
                    break;
                options.Add(option);
            }
            return options;
        }
    }
}
