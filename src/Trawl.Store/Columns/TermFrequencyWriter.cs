using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Trawl.Store.Columns;

/// <summary>
/// Writes a <c>.termfreq</c> file (layout in <see cref="TermFrequencyFile"/>) term by term, in term byte order:
/// rows stream into the file, counts into a side file, and the (small) term table is kept until the end.
/// </summary>
internal sealed class TermFrequencyWriter : IDisposable
{
    private readonly string _path, _countsPath;
    private readonly long _rows;
    private readonly FileStream _docs, _counts;
    private readonly List<(long Offset, int Length, long Start, int Count)> _terms = [];
    private readonly MemoryStream _termBytes = new();
    private readonly long[] _docBuffer = new long[8192];
    private readonly uint[] _countBuffer = new uint[8192];
    private int _buffered;
    private long _pairs, _termStart;
    private long _lastDoc = -1;
    private bool _inTerm;

    public TermFrequencyWriter(string path, long rows)
    {
        _path = path;
        _countsPath = path + ".counts";
        _rows = rows;
        _docs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        _docs.Write(new byte[ColumnFileHeader.Size]);
        _counts = new FileStream(_countsPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    public void BeginTerm(ReadOnlySpan<byte> term)
    {
        if (_inTerm)
            throw new InvalidOperationException("term not ended");
        _inTerm = true;
        _termStart = _pairs;
        _lastDoc = -1;
        _terms.Add((_termBytes.Length, term.Length, _pairs, 0));
        _termBytes.Write(term);
    }

    public void Add(long doc, uint count)
    {
        if (doc <= _lastDoc)
            throw new InvalidOperationException($"rows out of order ({doc} after {_lastDoc})");
        _lastDoc = doc;
        _docBuffer[_buffered] = doc;
        _countBuffer[_buffered] = count;
        _pairs++;
        if (++_buffered == _docBuffer.Length)
            Flush();
    }

    public void EndTerm()
    {
        var t = _terms[^1];
        long count = _pairs - _termStart;
        if (count == 0)
            _terms.RemoveAt(_terms.Count - 1);
        else
            _terms[^1] = t with { Count = checked((int)count) };
        _inTerm = false;
    }

    /// <summary>Adds what <paramref name="next"/> wrote, whose terms all come after this writer's, as if this one had
    /// written it (the second half of a scan split by term, written on another thread).</summary>
    public void Append(TermFrequencyWriter next)
    {
        if (_inTerm || next._inTerm)
            throw new InvalidOperationException("term not ended");
        if (_terms.Count > 0 && next._terms.Count > 0)
        {
            var last = _termBytes.GetBuffer().AsSpan((int)_terms[^1].Offset, _terms[^1].Length);
            var first = next._termBytes.GetBuffer().AsSpan((int)next._terms[0].Offset, next._terms[0].Length);
            if (first.SequenceCompareTo(last) <= 0)
                throw new InvalidOperationException("the appended terms do not come after this writer's");
        }
        Flush();
        next.Flush();
        next._docs.Position = ColumnFileHeader.Size;
        next._docs.CopyTo(_docs);
        next._counts.Position = 0;
        next._counts.CopyTo(_counts);
        long termBase = _termBytes.Length;
        foreach (var (offset, length, start, count) in next._terms)
            _terms.Add((offset + termBase, length, start + _pairs, count));
        next._termBytes.Position = 0;
        next._termBytes.CopyTo(_termBytes);
        _pairs += next._pairs;
    }

    /// <summary>Joins the sections and writes the header, then syncs; the caller renames the file into place.</summary>
    public void Complete()
    {
        Flush();
        _counts.Position = 0;
        _counts.CopyTo(_docs);
        var entry = new byte[24];
        foreach (var (offset, length, start, count) in _terms)
        {
            BinaryPrimitives.WriteInt64LittleEndian(entry, offset);
            BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(8), length);
            BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(12), start);
            BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(20), count);
            _docs.Write(entry);
        }
        _termBytes.Position = 0;
        _termBytes.CopyTo(_docs);
        Span<byte> header = stackalloc byte[ColumnFileHeader.Size];
        // For this part Entries counts (row, count) pairs and PayloadBytes counts terms.
        new ColumnFileHeader(ColumnEncoding.SearchRanking, ColumnFilePart.TermFrequencies, _rows, _pairs, _terms.Count).Write(header);
        _docs.Position = 0;
        _docs.Write(header);
        _docs.Flush(flushToDisk: true);
    }

    private void Flush()
    {
        _docs.Write(MemoryMarshal.AsBytes(_docBuffer.AsSpan(0, _buffered)));
        _counts.Write(MemoryMarshal.AsBytes(_countBuffer.AsSpan(0, _buffered)));
        _buffered = 0;
    }

    public void Dispose()
    {
        _docs.Dispose();
        _counts.Dispose();
        _termBytes.Dispose();
    }
}
