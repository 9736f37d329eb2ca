using System.Buffers.Binary;
using System.Numerics;

namespace Trawl.Vectors.Storage;

/// <summary>
/// A fast streaming 64-bit checksum: four multiply-rotate lanes over 32-byte stripes, then a
/// final mix of the lanes, the length and the tail. Used to detect corrupted vector data.
/// </summary>
internal sealed class Hash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;

    private ulong _lane0 = unchecked(Prime1 + Prime2), _lane1 = Prime2, _lane2 = 0, _lane3 = unchecked(0 - Prime1);
    private readonly byte[] _pending = new byte[32];
    private int _pendingCount;
    private long _length;

    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var hash = new Hash64();
        hash.Append(data);
        return hash.Digest();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_pendingCount > 0)
        {
            int take = Math.Min(32 - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < 32) return;
            Stripe(_pending);
            _pendingCount = 0;
        }
        while (data.Length >= 32)
        {
            Stripe(data);
            data = data[32..];
        }
        data.CopyTo(_pending);
        _pendingCount = data.Length;
    }

    private void Stripe(ReadOnlySpan<byte> s)
    {
        _lane0 = Round(_lane0, BinaryPrimitives.ReadUInt64LittleEndian(s));
        _lane1 = Round(_lane1, BinaryPrimitives.ReadUInt64LittleEndian(s[8..]));
        _lane2 = Round(_lane2, BinaryPrimitives.ReadUInt64LittleEndian(s[16..]));
        _lane3 = Round(_lane3, BinaryPrimitives.ReadUInt64LittleEndian(s[24..]));
    }

    private static ulong Round(ulong lane, ulong value) => BitOperations.RotateLeft(lane + value * Prime2, 31) * Prime1;

    /// <summary>Size of <see cref="SaveState"/>'s bytes.</summary>
    public const int StateSize = 4 * 8 + 8 + 1 + 32;

    /// <summary>The running state, so that a later process can continue the hash where this one stopped
    /// (an append in place hashes only the new rows).</summary>
    public byte[] SaveState()
    {
        var state = new byte[StateSize];
        BinaryPrimitives.WriteUInt64LittleEndian(state, _lane0);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(8), _lane1);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(16), _lane2);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(24), _lane3);
        BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(32), _length);
        state[40] = (byte)_pendingCount;
        _pending.AsSpan(0, _pendingCount).CopyTo(state.AsSpan(41));
        return state;
    }

    /// <summary>A hash continued from <see cref="SaveState"/>'s bytes; null when they are not a state of
    /// <paramref name="expectedLength"/> hashed bytes.</summary>
    public static Hash64? FromState(ReadOnlySpan<byte> state, long expectedLength)
    {
        if (state.Length != StateSize || state[40] >= 32 || BinaryPrimitives.ReadInt64LittleEndian(state[32..]) != expectedLength)
            return null;
        var hash = new Hash64
        {
            _lane0 = BinaryPrimitives.ReadUInt64LittleEndian(state),
            _lane1 = BinaryPrimitives.ReadUInt64LittleEndian(state[8..]),
            _lane2 = BinaryPrimitives.ReadUInt64LittleEndian(state[16..]),
            _lane3 = BinaryPrimitives.ReadUInt64LittleEndian(state[24..]),
            _length = expectedLength,
            _pendingCount = state[40],
        };
        if (expectedLength % 32 != hash._pendingCount)
            return null;
        state.Slice(41, hash._pendingCount).CopyTo(hash._pending);
        return hash;
    }

    public ulong Digest()
    {
        ulong h = BitOperations.RotateLeft(_lane0, 1) + BitOperations.RotateLeft(_lane1, 7) + BitOperations.RotateLeft(_lane2, 12) + BitOperations.RotateLeft(_lane3, 18);
        h = (h ^ Round(0, _lane0)) * Prime1 + Prime4;
        h = (h ^ Round(0, _lane1)) * Prime1 + Prime4;
        h = (h ^ Round(0, _lane2)) * Prime1 + Prime4;
        h = (h ^ Round(0, _lane3)) * Prime1 + Prime4;
        h += (ulong)_length;
        ReadOnlySpan<byte> tail = _pending.AsSpan(0, _pendingCount);
        while (tail.Length >= 8)
        {
            h = BitOperations.RotateLeft(h ^ Round(0, BinaryPrimitives.ReadUInt64LittleEndian(tail)), 27) * Prime1 + Prime4;
            tail = tail[8..];
        }
        foreach (byte b in tail) h = BitOperations.RotateLeft(h ^ (b * Prime3), 11) * Prime1;
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }
}
