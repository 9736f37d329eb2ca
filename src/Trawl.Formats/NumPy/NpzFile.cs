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
                // The zip's CRC is checked here: stored members are not checked by ZipArchive.
                var buffer = new byte[1 << 20];
                uint crc = Crc32.Start;
                int n;
                while ((n = input.Read(buffer)) > 0)
                {
                    crc = Crc32.Update(crc, buffer.AsSpan(0, n));
                    output.Write(buffer, 0, n);
                }
                if (output.Length != entry.Length)
                    throw new DataFormatException(Path, $"member '{member}' is {output.Length} bytes, but the zip directory says {entry.Length}");
                if (Crc32.Finish(crc) != entry.Crc32)
                    throw new DataFormatException(Path, $"member '{member}' is corrupt: its CRC-32 is {Crc32.Finish(crc):x8}, the zip directory says {entry.Crc32:x8}");
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

    /// <summary>The zip format's CRC-32 (reflected polynomial 0xEDB88320), slicing by 8 bytes.</summary>
    private static class Crc32
    {
        public const uint Start = 0xFFFFFFFF;
        private static readonly uint[] Table = BuildTable();

        public static uint Finish(uint crc) => ~crc;

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            var t = Table;
            while (data.Length >= 8)
            {
                uint a = crc ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data);
                uint b = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                crc = t[7 * 256 + (a & 0xFF)] ^ t[6 * 256 + ((a >> 8) & 0xFF)] ^ t[5 * 256 + ((a >> 16) & 0xFF)] ^ t[4 * 256 + (a >> 24)]
                    ^ t[3 * 256 + (b & 0xFF)] ^ t[2 * 256 + ((b >> 8) & 0xFF)] ^ t[256 + ((b >> 16) & 0xFF)] ^ t[b >> 24];
                data = data[8..];
            }
            foreach (byte x in data)
                crc = t[(crc ^ x) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static uint[] BuildTable()
        {
            var t = new uint[8 * 256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++)
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                t[i] = c;
            }
            for (int s = 1; s < 8; s++)
                for (int i = 0; i < 256; i++)
                    t[s * 256 + i] = t[(s - 1) * 256 + i] >> 8 ^ t[t[(s - 1) * 256 + i] & 0xFF];
            return t;
        }
    }
}
