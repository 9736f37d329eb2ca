using Trawl.Store.Datasets;

namespace Trawl.Server.Tests;

/// <summary>Table descriptions for tests that need no dataset on disk.</summary>
internal static class TestTables
{
    public static TableInfo Captions { get; } = new(
        "captions",
        3,
        [
            new ColumnInfo("url", "TEXT", ColumnRole.Image),
            new ColumnInfo("caption", "TEXT", ColumnRole.Caption),
            new ColumnInfo("width", "INTEGER", ColumnRole.None),
            new ColumnInfo("score", "REAL", ColumnRole.None),
            new ColumnInfo("a__b", "TEXT", ColumnRole.None),
        ],
        ["caption"],
        "captions_fts",
        null);

    public static TableInfo MusicCaps { get; } = new(
        "musiccaps",
        1,
        [
            new ColumnInfo("ytid", "TEXT", ColumnRole.YouTube),
            new ColumnInfo("start_s", "INTEGER", ColumnRole.None),
            new ColumnInfo("end_s", "INTEGER", ColumnRole.None),
            new ColumnInfo("caption", "TEXT", ColumnRole.Caption),
        ],
        ["caption"],
        "musiccaps_fts",
        null);
}
