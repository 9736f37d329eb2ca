using System.IO.Compression;
using System.Text;

namespace Trawl.Formats.Tests.Support;

/// <summary>A temporary folder for the files a test generates; deleted on dispose.</summary>
public sealed class TempFiles : IDisposable
{
    public TempFiles()
    {
        Folder = Path.Combine(Path.GetTempPath(), "trawl-formats-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes the text gzipped (one member).</summary>
    public string WriteGzip(string name, string text) => Write(name, Gzip(Encoding.UTF8.GetBytes(text)));

    public static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        return output.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
