using System.Text;

namespace Trawl.Formats.WebDataset;

/// <summary>
/// Writes a tar shard (POSIX ustar, regular files only) the way webdataset's TarWriter does: members in the
/// order given, mode 0444, a fixed modification time so the same input gives the same bytes. Names are
/// checked: relative, no "..", at most 100 bytes (webdataset keys are short).
/// </summary>
public sealed class TarShardWriter : IDisposable
{
    private const int Block = 512;
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[Block];
    private readonly long _mtime;
    private bool _finished;

    public TarShardWriter(Stream output, bool leaveOpen = false, DateTimeOffset? modified = null)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _mtime = (modified ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds();
    }

    /// <summary>Bytes written so far (the offset the next member's header will have).</summary>
    public long Position { get; private set; }

    /// <summary>Writes one member; returns the byte offset of its data in the shard.</summary>
    public long Write(string name, ReadOnlySpan<byte> data)
    {
        if (_finished)
            throw new InvalidOperationException("the shard is already finished");
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length is 0 or > 100 || name[0] == '/' || name.Split('/').Contains("..") || name.Contains('\0'))
            throw new ArgumentException($"tar member name '{name}' must be relative, without '..', and at most 100 bytes", nameof(name));
        Array.Clear(_header);
        nameBytes.CopyTo(_header, 0);
        Octal(_header.AsSpan(100, 8), 0x124);            // mode 0444
        Octal(_header.AsSpan(108, 8), 0);                // uid
        Octal(_header.AsSpan(116, 8), 0);                // gid
        Octal(_header.AsSpan(124, 12), data.Length);
        Octal(_header.AsSpan(136, 12), _mtime);
        _header[156] = (byte)'0';
        "ustar\0"u8.CopyTo(_header.AsSpan(257));
        "00"u8.CopyTo(_header.AsSpan(263));
        _header.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in _header)
            sum += b;
        Octal(_header.AsSpan(148, 7), sum);
        _header[155] = (byte)' ';
        _output.Write(_header);
        long dataAt = Position + Block;
        _output.Write(data);
        int pad = (Block - data.Length % Block) % Block;
        if (pad > 0)
        {
            Span<byte> zeros = stackalloc byte[Block];
            zeros.Clear();
            _output.Write(zeros[..pad]);
        }
        Position = dataAt + data.Length + pad;
        return dataAt;
    }

    /// <summary>Writes the two zero blocks that end an archive.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        _finished = true;
        Span<byte> zeros = stackalloc byte[Block * 2];
        zeros.Clear();
        _output.Write(zeros);
        Position += Block * 2;
        _output.Flush();
    }

    /// <summary>An octal number, zero-padded, NUL-terminated, filling the field.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        int digits = field.Length - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        if (value != 0)
            throw new ArgumentOutOfRangeException(nameof(value), "value does not fit its tar header field");
        field[digits] = 0;
    }

    public void Dispose()
    {
        Finish();
        if (!_leaveOpen)
            _output.Dispose();
    }
}
