using SQLitePCL;

namespace Trawl.Store.Storage;

/// <summary>
/// Process-wide SQLite settings, which take effect only before SQLite's first use in the process (later they are
/// refused and ignored, leaving SQLite's defaults). Memory statistics off: with them on, every allocation takes one
/// global mutex, which two threads building a full-text index at once (<see cref="FullText.FtsSideIndex"/>) contend
/// for; Trawl reads neither the statistics nor a heap limit that needs them.
/// </summary>
internal static class SqliteProcessSettings
{
    private const int ConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS
    private static int _applied;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1)
            return;
        Batteries_V2.Init();
        raw.sqlite3_config(ConfigMemStatus, 0);
    }
}
