namespace Trawl.Store.Tests.Support;

/// <summary>A dataset file's bytes for "nothing changed" checks; for meta.db without SQLite's change counters (header
/// offsets 24 and 92), which a rolled-back rollback-journal append moves although no content changed.</summary>
public static class MetaDbBytes
{
    public static byte[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (Path.GetFileName(path) == "meta.db" && bytes.Length >= 100)
        {
            bytes.AsSpan(24, 4).Clear();
            bytes.AsSpan(92, 4).Clear();
        }
        return bytes;
    }
}
