using System.IO.Compression;
using Trawl.Formats.Tables;

namespace Trawl.Formats.NumPy;

/// <summary>
/// A NumPy .npz file: a zip archive of .npy members (numpy.savez stores them, numpy.savez_compressed
/// deflates them). Members are listed from the zip's central directory; one is read by extracting it
/// to a file (decompressing as needed, with the zip's CRC checked) and opening that as an <see cref="NpyFile"/>.
/// </summary>
public sealed class NpzFile : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;

    private NpzFile(string path, ZipArchive zip, Dictionary<string, ZipArchiveEntry> entries, List<string> members)
    {
        Path = path;
        _zip = zip;
        _entries = entries;
        Members = members;
    }

    public string Path { get; }

    /// <summary>Member names in archive order, without the ".npy" suffix (as numpy.load shows them).</summary>
    public IReadOnlyList<string> Members { get; }

    public static NpzFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var members = new List<string>();
            foreach (var e in zip.Entries)
            {
                if (e.FullName.EndsWith('/'))
                    continue;
                string name = e.FullName.EndsWith(".npy", StringComparison.Ordinal) ? e.FullName[..^4] : e.FullName;
                if (entries.TryAdd(name, e))
                    members.Add(name);
            }
            return new NpzFile(full, zip, entries, members);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new DataFormatException(full, $"not a readable .npz (zip) file: {e.Message}", inner: e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The member's uncompressed size in bytes (from the zip directory).</summary>
    public long MemberLength(string member) => Entry(member).Length;

    /// <summary>
    /// Writes the member's .npy bytes to <paramref name="destination"/> and opens it. A zip that is truncated,
    /// corrupt or whose CRC does not match is a <see cref="DataFormatException"/> naming the archive and member.
    /// </summary>
    public NpyFile ExtractMember(string member, string destination)
    {
        var entry = Entry(member);
        try
        {
            using (var input = entry.Open())
            using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                input.CopyTo(output, 1 << 20);
                if (output.Length != entry.Length)
                    throw new DataFormatException(Path, $"member '{member}' is {output.Length} bytes, but the zip directory says {entry.Length}");
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(Path, $"member '{member}' is corrupt or truncated: {e.Message}", inner: e);
        }
        catch (IOException e) when (e is not FileNotFoundException && e is not DirectoryNotFoundException)
        {
            throw new DataFormatException(Path, $"member '{member}' could not be read (the archive is probably truncated): {e.Message}", inner: e);
        }
        try
        {
            return NpyFile.Open(destination);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException(Path, $"member '{member}': {e.Message}", inner: e);
        }
    }

    private ZipArchiveEntry Entry(string member)
    {
        if (_entries.TryGetValue(member, out var entry) || _entries.TryGetValue(member.EndsWith(".npy", StringComparison.Ordinal) ? member[..^4] : member, out entry))
            return entry;
        throw new DataFormatException(Path, $"no member '{member}' (members: {string.Join(", ", Members)})");
    }

    public void Dispose() => _zip.Dispose();
}
