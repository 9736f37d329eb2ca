namespace Trawl.Store.Storage;

/// <summary>A quick fingerprint of a source file: its size plus the first and last MiB, so re-ingesting
/// a changed file is noticed without reading gigabytes.</summary>
internal static class FastFileHash
{
    private const int Chunk = 1 << 20;

    public static string Compute(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var h = Hash128.Create();
        h.AddInt64(stream.Length);
        byte[] buffer = new byte[Chunk];
        h.AddBytes(buffer.AsSpan(0, stream.ReadAtLeast(buffer, Chunk, throwOnEndOfStream: false)));
        if (stream.Length > 2L * Chunk)
        {
            stream.Seek(-Chunk, SeekOrigin.End);
            h.AddBytes(buffer.AsSpan(0, stream.ReadAtLeast(buffer, Chunk, throwOnEndOfStream: false)));
        }
        return "fast128:" + h.Finish().ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
    }
}
