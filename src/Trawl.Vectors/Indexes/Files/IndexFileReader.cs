using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Indexes.Files;

/// <summary>
/// An index file memory-mapped read-only. Opening checks the header, the footer, the checksum of
/// the header and section table, every section's bounds, and the checksums of small sections;
/// big sections (graph links, codes) are checked by <see cref="VerifyChecksums"/> only, so opening
/// does not read them. The index keeps this reader alive while it uses the mapped arrays.
/// </summary>
internal sealed unsafe class IndexFileReader : IDisposable
{
    /// <summary>Sections up to this size are checksummed on open.</summary>
    private const long SmallSectionBytes = 1 << 20;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly Dictionary<string, (long Offset, long Length, ulong Checksum)> _sections = [];
    private byte* _base;

    private IndexFileReader(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, long length, bool checkSmallSections)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = pointer;
        Length = length;
        Header = IndexFileHeader.Read(new ReadOnlySpan<byte>(pointer, IndexFileHeader.Size), path);
        int tableStart = IndexFileHeader.Size + ((Header.FactoryBytes + 7) & ~7);
        long metaEnd = tableStart + (long)Header.SectionCount * IndexFileWriter.SectionEntryBytes;
        long footer = length - 16;
        if (metaEnd > footer) throw Truncated($"the header and section table need {metaEnd} bytes before the footer");
        if (!new ReadOnlySpan<byte>(pointer + footer, 8).SequenceEqual(IndexFileHeader.FooterMagic))
            throw new VectorFormatException(path, "the footer magic TRWLIEND is missing: the file is truncated or was not completely written", footer);
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(pointer + footer + 8, 8));
        if (stored != Hash64.Of(new ReadOnlySpan<byte>(pointer, (int)metaEnd)))
            throw new VectorFormatException(path, "the header checksum in the footer does not match: the header or section table is corrupt", footer + 8);
        try
        {
            Factory = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(pointer + IndexFileHeader.Size, Header.FactoryBytes));
        }
        catch (ArgumentException e)
        {
            throw new VectorFormatException(path, "the factory string is not UTF-8", IndexFileHeader.Size, e);
        }
        long previousEnd = metaEnd;
        for (int i = 0; i < Header.SectionCount; i++)
        {
            long at = tableStart + (long)i * IndexFileWriter.SectionEntryBytes;
            var entry = new ReadOnlySpan<byte>(pointer + at, IndexFileWriter.SectionEntryBytes);
            string tag = Encoding.ASCII.GetString(entry[..4]);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            long size = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            if (offset < previousEnd || offset % IndexFileWriter.Alignment != 0 || size < 0 || offset > footer || size > footer - offset)
                throw new VectorFormatException(path, $"section '{tag}' at {offset} with {size} bytes lies outside the file's {footer} data bytes", at);
            if (!_sections.TryAdd(tag, (offset, size, BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]))))
                throw new VectorFormatException(path, $"section '{tag}' appears twice", at);
            if (checkSmallSections && size <= SmallSectionBytes) VerifySection(tag);
            previousEnd = offset + size;
        }
    }

    public string Path { get; }
    public long Length { get; }
    public IndexFileHeader Header { get; }
    public string Factory { get; } = "";

    /// <summary>Opens and checks the file; <paramref name="checkSmallSections"/> = false is for tests of the walks' own checks.</summary>
    public static IndexFileReader Open(string path, bool checkSmallSections = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"index file {full} does not exist", full);
        long length = new FileInfo(full).Length;
        if (length < IndexFileHeader.Size + 16)
            throw new VectorFormatException(full, $"the file is truncated: {length} bytes is shorter than the {IndexFileHeader.Size}-byte header and 16-byte footer");
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new IndexFileReader(full, file, view, pointer, length, checkSmallSections);
        }
        catch
        {
            if (pointer != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            file?.Dispose();
            throw;
        }
    }

    /// <summary>A section's bytes; its length must be exactly <paramref name="expectedBytes"/>.</summary>
    public byte* Section(string tag, long expectedBytes)
    {
        if (!_sections.TryGetValue(tag, out var s)) throw new VectorFormatException(Path, $"section '{tag}' is missing");
        if (s.Length != expectedBytes)
            throw new VectorFormatException(Path, $"section '{tag}' has {s.Length} bytes, {expectedBytes} expected", s.Offset);
        return _base + s.Offset;
    }

    /// <summary>The whole mapped file (for read-ahead hints and population).</summary>
    public (nint Address, long Length) Mapping => ((nint)_base, Length);

    public bool HasSection(string tag) => _sections.ContainsKey(tag);

    /// <summary>Where a section lies in the file (for tests that corrupt one).</summary>
    internal (long Offset, long Length) SectionRange(string tag) => (_sections[tag].Offset, _sections[tag].Length);

    /// <summary>A small section of 64-bit integers (parameters).</summary>
    public long[] Longs(string tag, int count)
    {
        byte* p = Section(tag, count * 8L);
        var result = new long[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(p + i * 8L, 8));
        return result;
    }

    /// <summary>Reads every section and compares its checksum with the table's.</summary>
    public void VerifyChecksums()
    {
        foreach (string tag in _sections.Keys) VerifySection(tag);
    }

    private void VerifySection(string tag)
    {
        var s = _sections[tag];
        if (IndexFileWriter.Checksum(_base + s.Offset, s.Length) != s.Checksum)
            throw new VectorFormatException(Path, $"the checksum of section '{tag}' does not match: the index is corrupt", s.Offset);
    }

    public VectorFormatException Corrupt(string problem, long? offset = null) => new(Path, problem, offset);

    private VectorFormatException Truncated(string problem) => new(Path, $"the file is truncated: {problem}");

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file!.Dispose();
    }
}
