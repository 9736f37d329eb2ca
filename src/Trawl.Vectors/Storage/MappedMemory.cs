using System.Runtime.InteropServices;

namespace Trawl.Vectors.Storage;

/// <summary>
/// Hints and pre-faulting for memory-mapped files, so a freshly opened index reaches its steady speed
/// at once instead of paying a page fault on each first touch. Linux only (madvise); elsewhere the
/// hints are no-ops and population touches one byte per page.
/// </summary>
public static unsafe partial class MappedMemory
{
    private const int MadviseWillNeed = 3;
    private const int MadviseHugePage = 14;
    private const int MadvisePopulateRead = 22;
    /// <summary>Populated per call, so a cancellation (an index being closed) is seen within milliseconds.</summary>
    private const long PopulateChunkBytes = 32L << 20;

    private static int _populateReadUnsupported;

    /// <summary>
    /// Asks the kernel to read the range ahead (MADV_WILLNEED) and, where the file system and kernel can
    /// back a file mapping with transparent huge pages, to do so (MADV_HUGEPAGE). Returns at once; true
    /// when the read-ahead hint was taken.
    /// </summary>
    public static bool Advise(nint address, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0) return false;
        (nint start, nuint bytes) = PageAligned(address, length);
        _ = madvise(start, bytes, MadviseHugePage); // refused (EINVAL) on most file mappings: only a hint
        return madvise(start, bytes, MadviseWillNeed) == 0;
    }

    /// <summary>
    /// Maps every page of the range into the process (MADV_POPULATE_READ, Linux 5.14+; else one read per
    /// page), reading from disk what the page cache lacks. Blocks until done or cancelled; returns the bytes populated.
    /// The caller keeps the mapping alive until this returns.
    /// </summary>
    public static long Populate(nint address, long length, CancellationToken cancel = default)
    {
        if (length <= 0) return 0;
        long done = 0;
        while (done < length)
        {
            cancel.ThrowIfCancellationRequested();
            long n = Math.Min(PopulateChunkBytes, length - done);
            PopulateChunk(address + (nint)done, n);
            done += n;
        }
        return done;
    }

    private static void PopulateChunk(nint address, long length)
    {
        if (OperatingSystem.IsLinux() && Volatile.Read(ref _populateReadUnsupported) == 0)
        {
            (nint start, nuint bytes) = PageAligned(address, length);
            if (madvise(start, bytes, MadvisePopulateRead) == 0) return;
            // EINVAL: a kernel before 5.14; anything else (EFAULT on a torn-down mapping) falls back too.
            Volatile.Write(ref _populateReadUnsupported, 1);
        }
        Touch(address, length);
    }

    /// <summary>Reads one byte of every page of the range (the portable population; sums so the reads are not elided).</summary>
    internal static int Touch(nint address, long length)
    {
        int page = Environment.SystemPageSize, sum = 0;
        byte* p = (byte*)address;
        for (long offset = 0; offset < length; offset += page) sum += Volatile.Read(ref p[offset]);
        if (length > 0) sum += Volatile.Read(ref p[length - 1]);
        return sum;
    }

    private static (nint Start, nuint Bytes) PageAligned(nint address, long length)
    {
        long page = Environment.SystemPageSize;
        long start = (long)address & ~(page - 1);
        long end = ((long)address + length + page - 1) & ~(page - 1);
        return ((nint)start, (nuint)(end - start));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}
