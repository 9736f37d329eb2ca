using Trawl.Store.Datasets;

namespace Trawl.Server.Tests;

/// <summary>Table descriptions for tests that need no dataset on disk.</summary>
internal static class TestTables
{
    public static TableInfo Captions { get; } = new(
        "captions",
        3,
        [
            new ColumnInfo("url", SqlType.Text, ColumnRole.Image),
            new ColumnInfo("caption", SqlType.Text, ColumnRole.Caption),
            new ColumnInfo("width", SqlType.Integer, ColumnRole.None),
            new ColumnInfo("score", SqlType.Real, ColumnRole.None),
            new ColumnInfo("a__b", SqlType.Text, ColumnRole.None),
        ],
        ["caption"],
        "captions_fts",
        null);

    public static TableInfo MusicCaps { get; } = new(
        "musiccaps",
        1,
        [
            new ColumnInfo("ytid", SqlType.Text, ColumnRole.YouTube),
            new ColumnInfo("start_s", SqlType.Integer, ColumnRole.None),
            new ColumnInfo("end_s", SqlType.Integer, ColumnRole.None),
            new ColumnInfo("caption", SqlType.Text, ColumnRole.Caption),
        ],
        ["caption"],
        "musiccaps_fts",
        null);
}
