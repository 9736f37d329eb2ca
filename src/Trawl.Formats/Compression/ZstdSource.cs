using ZstdSharp;
using ZstdSharp.Unsafe;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Compression;

/// <summary>
/// Streaming zstd (RFC 8878) over ZstdSharp: any number of frames, with or without content size,
/// checksums verified, memory bounded by the window. A frame declaring a window above
/// <see cref="MaxWindowLog"/> is refused rather than allocated.
/// </summary>
internal static class ZstdSource
{
    /// <summary>2^27 = 128 MB, zstd's own default limit (files made with <c>--long=31</c> need more and are refused).</summary>
    public const int MaxWindowLog = 27;

    public static Stream Open(Stream compressed)
    {
        var stream = new DecompressionStream(compressed, bufferSize: 1 << 17, checkEndOfStream: true, leaveOpen: true);
        stream.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, MaxWindowLog);
        return stream;
    }

    /// <summary>The reason a read failed, in words a user can act on.</summary>
    public static string Describe(Exception e) => e switch
    {
        ZstdException z when z.Code == ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge =>
            $"a zstd frame declares a window larger than the {1 << (MaxWindowLog - 20)} MB limit (made with --long?); refused",
        ZstdException z when z.Code == ZSTD_ErrorCode.ZSTD_error_checksum_wrong => "a zstd frame's checksum does not match its data (the file is corrupt)",
        ZstdException z => "not a valid zstd stream (" + z.Message.TrimEnd('.') + ")",
        EndOfStreamException => "the zstd data ends in the middle of a frame (the file looks truncated)",
        _ => "not a valid zstd stream (" + e.Message.TrimEnd('.') + ")",
    };

    public static bool IsZstdError(Exception e) => e is ZstdException or EndOfStreamException;
}
