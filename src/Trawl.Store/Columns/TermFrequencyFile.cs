using System.Buffers.Binary;
using Trawl.Formats.Tables;

namespace Trawl.Store.Columns;

/// <summary>
/// A <c>.termfreq</c> file mapped read-only: for each term, the rows where it occurs more than once, with the count
/// (rows where it occurs once are the rest of its FTS5 matches). Layout after the header: row ids (i64 × pairs),
/// counts (u32 × pairs), the term table (terms × {i64 byte offset, i32 byte length, i64 first pair, i32 pairs}, in
/// term byte order) and the terms' UTF-8 bytes. Everything is checked at open, so lookups need no checks.
/// </summary>
internal sealed class TermFrequencyFile : IDisposable
{
    private const int TermEntrySize = 24;
    private readonly MappedColumnFile _file;
    private readonly long _pairs;
    private readonly long _countsOffset, _tableOffset, _bytesOffset, _bytesLength;

    private TermFrequencyFile(MappedColumnFile file, long firstRow)
    {
        _file = file;
        FirstRow = firstRow;
        var h = file.Header;
        _pairs = h.Entries;
        if (h.PayloadBytes > int.MaxValue)
            throw new DataFormatException(file.Path, $"{h.PayloadBytes} terms is more than this Trawl reads");
        TermCount = (int)h.PayloadBytes;
        _countsOffset = checked(_pairs * 8);
        _tableOffset = checked(_countsOffset + _pairs * 4);
        _bytesOffset = checked(_tableOffset + (long)TermCount * TermEntrySize);
        _bytesLength = file.DataLength - _bytesOffset;
        if (_bytesLength < 0)
            throw new DataFormatException(file.Path, $"truncated: {file.DataLength} bytes after the header, the sections need {_bytesOffset}");
        Validate();
    }

    public string Path => _file.Path;
    public int TermCount { get; }

    /// <summary>Rows the file was built for: its pairs are for rows [<see cref="FirstRow"/>, Rows).</summary>
    public long Rows => _file.Header.Rows;

    /// <summary>The first row this file may hold (a later segment holds only rows past the one before it).</summary>
    public long FirstRow { get; }

    public static TermFrequencyFile Open(string path, long firstRow = 0)
    {
        var file = MappedColumnFile.Open(path, ColumnFilePart.TermFrequencies);
        try
        {
            return new TermFrequencyFile(file, firstRow);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<byte> Term(int index)
    {
        var (offset, length, _, _) = Entry(index);
        return _file.Elements<byte>(_bytesOffset + offset, length);
    }

    public ReadOnlySpan<long> Documents(int index)
    {
        var (_, _, start, count) = Entry(index);
        return _file.Elements<long>(start * 8, count);
    }

    public ReadOnlySpan<uint> Counts(int index)
    {
        var (_, _, start, count) = Entry(index);
        return _file.Elements<uint>(_countsOffset + start * 4, count);
    }

    /// <summary>Orders stored term <paramref name="index"/> against <paramref name="term"/> by bytes, as FTS5 does.</summary>
    public int CompareTerm(int index, ReadOnlySpan<byte> term) => Term(index).SequenceCompareTo(term);

    /// <summary>The stored term's index, or -1 when the term never occurs twice in a row.</summary>
    public int Find(ReadOnlySpan<byte> term)
    {
        int lo = 0, hi = TermCount - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = CompareTerm(mid, term);
            if (c == 0)
                return mid;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return -1;
    }

    private (long Offset, int Length, long Start, int Count) Entry(int index)
    {
        var e = _file.Elements<byte>(_tableOffset + (long)index * TermEntrySize, TermEntrySize);
        return (BinaryPrimitives.ReadInt64LittleEndian(e), BinaryPrimitives.ReadInt32LittleEndian(e[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(e[12..]), BinaryPrimitives.ReadInt32LittleEndian(e[20..]));
    }

    private void Validate()
    {
        long nextPair = 0;
        for (int i = 0; i < TermCount; i++)
        {
            var (offset, length, start, count) = Entry(i);
            if (offset < 0 || length <= 0 || offset + length > _bytesLength)
                throw new DataFormatException(Path, $"term {i}: bytes out of range (byte offset {ColumnFileHeader.Size + _tableOffset + (long)i * TermEntrySize})");
            if (start != nextPair || count <= 0 || start + count > _pairs)
                throw new DataFormatException(Path, $"term {i}: pairs {start}+{count} out of order or range (byte offset {ColumnFileHeader.Size + _tableOffset + (long)i * TermEntrySize})");
            nextPair = start + count;
            if (i > 0 && Term(i - 1).SequenceCompareTo(Term(i)) >= 0)
                throw new DataFormatException(Path, $"term {i} is not after term {i - 1}");
            var docs = Documents(i);
            for (int j = 0; j < docs.Length; j++)
            {
                if (docs[j] < FirstRow || docs[j] >= Rows || (j > 0 && docs[j] <= docs[j - 1]))
                    throw new DataFormatException(Path, $"term {i}: row {docs[j]} out of order or range");
            }
        }
        if (nextPair != _pairs)
            throw new DataFormatException(Path, $"the term table covers {nextPair} of {_pairs} pairs");
    }

    public void Dispose() => _file.Dispose();
}
