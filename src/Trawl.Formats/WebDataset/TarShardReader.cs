using System.Buffers.Text;
using System.Text;
using Trawl.Formats.Tables;

namespace Trawl.Formats.WebDataset;

/// <summary>
/// Lists the regular files of a tar shard (ustar, pax and GNU long names) without extracting anything: callers
/// get each member's name, data offset and length and read the bytes they want. Every header is checked
/// (checksum, octal fields, sizes within the file), and members a careless extractor would write outside
/// its folder (absolute names, "..", links, devices) are refused: a <see cref="DataFormatException"/> naming
/// the shard, the member and the byte offset. Opened with <c>skipRefused</c>, a refused member is skipped instead
/// and a damaged or truncated shard simply ends where the damage starts; each is recorded in <see cref="Refusals"/>
/// with the same message, so a reader of many shards can carry on and say what it left out.
/// </summary>
public sealed class TarShardReader : IDisposable
{
    private const int Block = 512;
    /// <summary>Pax and GNU long-name records larger than this are refused (a name is never that long).</summary>
    private const int MaxExtendedHeader = 1 << 20;

    private readonly FileStream _file;
    /// <summary>Messages kept in <see cref="Refusals"/> (the count goes on).</summary>
    private const int MaxRefusalMessages = 100;

    private readonly byte[] _header = new byte[Block];
    private readonly bool _skipRefused;
    private readonly List<DataFormatException> _refusals = [];
    private long _position;

    private TarShardReader(string path, FileStream file, bool skipRefused)
    {
        Path = path;
        _file = file;
        _skipRefused = skipRefused;
        Length = file.Length;
    }

    /// <summary>In skip mode: the members refused and the damage that ended the shard early (at most 100 kept).</summary>
    public IReadOnlyList<DataFormatException> Refusals => _refusals;

    /// <summary>In skip mode: how many members were refused, plus one if the shard ended early.</summary>
    public int RefusedCount { get; private set; }

    public string Path { get; }

    /// <summary>Size of the shard in bytes.</summary>
    public long Length { get; }

    /// <summary>Bytes of the shard consumed so far (for progress).</summary>
    public long Position => _position;

    public static TarShardReader Open(string path, bool skipRefused = false)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        return new TarShardReader(path, file, skipRefused);
    }

    /// <summary>The next regular file, or false at the end of the archive (two zero blocks or the end of the file).</summary>
    public bool TryReadNext(out TarEntry entry)
    {
        if (!_skipRefused)
            return TryReadNextCore(out entry);
        try
        {
            return TryReadNextCore(out entry);
        }
        catch (DataFormatException e)
        {
            // The structure is damaged: nothing after this point can be trusted, so the shard ends here.
            Record(e);
            _position = Length;
            entry = default;
            return false;
        }
    }

    private void Record(DataFormatException e)
    {
        RefusedCount++;
        if (_refusals.Count < MaxRefusalMessages)
            _refusals.Add(e);
    }

    /// <summary>A member refused for what it is (not for damage): skipped in skip mode, its data already stepped over.</summary>
    private void Refuse(string problem, long at)
    {
        if (!_skipRefused)
            throw Bad(problem, at);
        Record(Bad(problem, at));
    }

    private bool TryReadNextCore(out TarEntry entry)
    {
        string? longName = null;
        while (true)
        {
            long headerAt = _position;
            if (_position == Length)
            {
                entry = default;
                return false;
            }
            if (!ReadBlock(_header, headerAt))
                throw Bad("the shard ends inside a header block (truncated)", headerAt);
            if (IsZero(_header))
            {
                entry = default;
                return false;
            }
            VerifyChecksum(headerAt);
            long size = ParseNumber(_header.AsSpan(124, 12), "size", headerAt);
            long dataAt = headerAt + Block;
            long padded = (size + Block - 1) / Block * Block;
            if (size < 0 || dataAt + padded > Length)
                throw Bad($"member data ({size} bytes, {padded} with padding) runs past the end of the shard (truncated)", headerAt);
            _position = dataAt + padded;
            byte type = _header[156];
            switch (type)
            {
                case (byte)'x' or (byte)'L':
                    if (size > MaxExtendedHeader)
                        throw Bad($"extended header of {size} bytes is larger than the limit of {MaxExtendedHeader}", headerAt);
                    var record = new byte[size];
                    ReadExact(record, dataAt, headerAt);
                    longName = type == 'L' ? Encoding.UTF8.GetString(record).TrimEnd('\0') : PaxPath(record, headerAt) ?? longName;
                    continue;
                case (byte)'g':
                    continue;   // global pax header: nothing we need
                case (byte)'5':
                    longName = null;
                    continue;   // directories carry no data
                case 0 or (byte)'0' or (byte)'7':
                    break;
                case (byte)'1' or (byte)'2':
                    Refuse($"member '{Name(longName)}' is a {(type == '1' ? "hard" : "symbolic")} link; links are refused", headerAt);
                    longName = null;
                    continue;
                default:
                    Refuse($"member '{Name(longName)}' has entry type '{(char)type}'; only regular files and directories are accepted", headerAt);
                    longName = null;
                    continue;
            }
            string name = Name(longName);
            if (NameProblem(name) is { } problem)
            {
                Refuse(problem, headerAt);
                longName = null;
                continue;
            }
            entry = new TarEntry(name, headerAt, dataAt, size);
            return true;
        }
    }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; the range must lie inside the shard.</summary>
    public void ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset + buffer.Length > Length)
            throw Bad($"a read of {buffer.Length} bytes runs past the end of the shard", offset);
        int done = RandomAccess.Read(_file.SafeFileHandle, buffer, offset);
        if (done != buffer.Length)
            throw Bad("the shard ended early (truncated)", offset + done);
    }

    private string Name(string? longName)
    {
        if (longName is not null)
            return longName;
        string name = CString(_header.AsSpan(0, 100));
        // ustar keeps long paths split: a prefix (up to 155 bytes) then the name.
        if (_header.AsSpan(257, 5).SequenceEqual("ustar"u8))
        {
            string prefix = CString(_header.AsSpan(345, 155));
            if (prefix.Length > 0)
                name = prefix + "/" + name;
        }
        return name;
    }

    /// <summary>Names that would escape an extraction folder are refused, even though we never extract.</summary>
    private static string? NameProblem(string name)
    {
        if (name.Length == 0)
            return "member has an empty name";
        if (name[0] == '/' || name[0] == '\\' || (name.Length > 1 && name[1] == ':'))
            return $"member '{name}' has an absolute name; refused";
        foreach (string part in name.Split('/', '\\'))
        {
            if (part == "..")
                return $"member '{name}' climbs out of the archive with '..'; refused";
        }
        if (name.Contains('\0'))
            return "member name holds a NUL byte; refused";
        return null;
    }

    private string? PaxPath(byte[] record, long at)
    {
        // Records are "LEN key=value\n".
        int pos = 0;
        string? path = null;
        while (pos < record.Length)
        {
            int space = Array.IndexOf(record, (byte)' ', pos);
            if (space < 0 || !Utf8Parser.TryParse(record.AsSpan(pos, space - pos), out int len, out _) || len <= 0 || pos + len > record.Length)
                throw Bad("malformed pax extended header", at);
            var kv = record.AsSpan(space + 1, len - (space + 1 - pos) - 1);
            int eq = kv.IndexOf((byte)'=');
            if (eq > 0 && kv[..eq].SequenceEqual("path"u8))
                path = Encoding.UTF8.GetString(kv[(eq + 1)..]);
            pos += len;
        }
        return path;
    }

    private void VerifyChecksum(long at)
    {
        long stored = ParseNumber(_header.AsSpan(148, 8), "checksum", at);
        long sum = 0;
        for (int i = 0; i < Block; i++)
            sum += i is >= 148 and < 156 ? (byte)' ' : _header[i];
        if (sum != stored)
            throw Bad($"header checksum is {stored} but the header sums to {sum} (not a tar file, or damaged)", at);
    }

    private long ParseNumber(ReadOnlySpan<byte> field, string what, long at)
    {
        // GNU base-256 for large sizes: high bit of the first byte set.
        if ((field[0] & 0x80) != 0)
        {
            long v = field[0] & 0x7F;
            for (int i = 1; i < field.Length; i++)
            {
                if (v > (long.MaxValue >> 8))
                    throw Bad($"{what} field overflows", at);
                v = (v << 8) | field[i];
            }
            return v;
        }
        long value = 0;
        bool any = false;
        foreach (byte b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (any) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7')
                throw Bad($"{what} field is not an octal number", at);
            if (value > (long.MaxValue >> 3))
                throw Bad($"{what} field overflows", at);
            value = value * 8 + (b - '0');
            any = true;
        }
        return value;
    }

    private bool ReadBlock(byte[] block, long at)
    {
        if (at + Block > Length)
            return false;
        return RandomAccess.Read(_file.SafeFileHandle, block, at) == Block;
    }

    private void ReadExact(byte[] buffer, long at, long headerAt)
    {
        if (RandomAccess.Read(_file.SafeFileHandle, buffer, at) != buffer.Length)
            throw Bad("the shard ended inside an extended header (truncated)", headerAt);
    }

    private static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    private static string CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private DataFormatException Bad(string problem, long offset) => new(Path, problem, byteOffset: offset);

    public void Dispose() => _file.Dispose();
}
