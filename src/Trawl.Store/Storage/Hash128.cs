using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trawl.Store.Storage;

/// <summary>
/// A streaming 128-bit hash (two independent 64-bit multiply-xorshift lanes) for dedupe keys and
/// fast file fingerprints. Not cryptographic; 128 bits make accidental collisions negligible for
/// billions of rows. System.IO.Hashing is not available from this project's package mirror.
/// </summary>
internal struct Hash128
{
    private const ulong P1 = 0x9E3779B185EBCA87UL;
    private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong P3 = 0x165667B19E3779F9UL;
    private const ulong P4 = 0xD6E8FEB86659FD93UL;

    private ulong _a;
    private ulong _b;
    private ulong _length;

    public static Hash128 Create() => new() { _a = 0x243F6A8885A308D3UL, _b = 0x13198A2E03707344UL };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddInt64(long value)
    {
        Mix((ulong)value);
        _length += 8;
    }

    public void AddByte(byte value)
    {
        Mix(value | 0x100UL);
        _length += 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBytes(ReadOnlySpan<byte> bytes)
    {
        // The length goes in first so that ("ab","c") and ("a","bc") differ.
        Mix((ulong)bytes.Length ^ 0xA5A5_0000_0000_0000UL);
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
            Mix(BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
        if (i < bytes.Length)
        {
            ulong tail = 0;
            for (int k = 0; i < bytes.Length; i++, k += 8)
                tail |= (ulong)bytes[i] << k;
            Mix(tail);
        }
        _length += (ulong)bytes.Length;
    }

    public readonly UInt128 Finish()
    {
        ulong a = Avalanche(_a ^ _length);
        ulong b = Avalanche(_b ^ (_length * P3));
        return new UInt128(a ^ (b >> 7), b ^ a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Mix(ulong v)
    {
        _a = BitOperations.RotateLeft(_a ^ (v * P1), 31) * P2;
        _b = BitOperations.RotateLeft(_b ^ (v * P3), 29) * P4 + _a;
    }

    private static ulong Avalanche(ulong h)
    {
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }
}
