using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Indexes.Files;

/// <summary>
/// Writes an index file: header, factory string, section table (tag, offset, length, checksum per
/// section), the sections 64-byte aligned, then a footer (magic "TRWLIEND" and a checksum of the
/// header, factory string and section table, which holds every section's checksum). The file is
/// written beside the target and renamed into place.
/// </summary>
internal sealed unsafe class IndexFileWriter
{
    public const int SectionEntryBytes = 32;
    public const int Alignment = 64;
    private readonly List<(string Tag, nint Pointer, long Length)> _sections = [];
    private readonly List<GCHandle> _handles = [];

    public void Add(string tag, byte* pointer, long length)
    {
        if (tag.Length != 4) throw new ArgumentException("section tags have 4 characters", nameof(tag));
        _sections.Add((tag, (nint)pointer, length));
    }

    /// <summary>Adds the first <paramref name="count"/> elements of an array; it is pinned until <see cref="Write"/> returns.</summary>
    public void Add<T>(string tag, T[] array, long count) where T : unmanaged
    {
        if (count > array.LongLength) throw new ArgumentOutOfRangeException(nameof(count));
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        _handles.Add(handle);
        Add(tag, (byte*)handle.AddrOfPinnedObject(), count * sizeof(T));
    }

    public void Write(string path, IndexFileHeader header, string factory)
    {
        string full = Path.GetFullPath(path);
        byte[] factoryBytes = Encoding.UTF8.GetBytes(factory);
        int tableStart = IndexFileHeader.Size + Align8(factoryBytes.Length);
        long offset = Align(tableStart + (long)_sections.Count * SectionEntryBytes);
        var meta = new byte[tableStart + _sections.Count * SectionEntryBytes];
        (header with { FactoryBytes = factoryBytes.Length, SectionCount = _sections.Count }).WriteTo(meta);
        factoryBytes.CopyTo(meta, IndexFileHeader.Size);
        var offsets = new long[_sections.Count];
        for (int i = 0; i < _sections.Count; i++)
        {
            var section = _sections[i];
            string tag = section.Tag;
            long length = section.Length;
            byte* pointer = (byte*)section.Pointer;
            offsets[i] = offset;
            Span<byte> entry = meta.AsSpan(tableStart + i * SectionEntryBytes, SectionEntryBytes);
            Encoding.ASCII.GetBytes(tag, entry[..4]);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], offset);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], length);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], Checksum(pointer, length));
            offset = Align(offset + length);
        }
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(meta);
                var zeros = new byte[Alignment];
                for (int i = 0; i < _sections.Count; i++)
                {
                    stream.Write(zeros, 0, (int)(offsets[i] - stream.Position));
                    byte* pointer = (byte*)_sections[i].Pointer;
                    long length = _sections[i].Length;
                    for (long done = 0; done < length;)
                    {
                        int n = (int)Math.Min(1 << 24, length - done);
                        stream.Write(new ReadOnlySpan<byte>(pointer + done, n));
                        done += n;
                    }
                }
                stream.Write(zeros, 0, (int)(Align(stream.Position) - stream.Position));
                Span<byte> footer = stackalloc byte[16];
                IndexFileHeader.FooterMagic.CopyTo(footer);
                BinaryPrimitives.WriteUInt64LittleEndian(footer[8..], Hash64.Of(meta));
                stream.Write(footer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            foreach (GCHandle handle in _handles) handle.Free();
            _handles.Clear();
        }
    }

    public static ulong Checksum(byte* pointer, long length)
    {
        var hash = new Hash64();
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(1 << 24, length - done);
            hash.Append(new ReadOnlySpan<byte>(pointer + done, n));
            done += n;
        }
        return hash.Digest();
    }

    private static int Align8(int n) => (n + 7) & ~7;
    private static long Align(long n) => (n + Alignment - 1) & ~(long)(Alignment - 1);
}
