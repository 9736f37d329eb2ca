namespace Trawl.Store.Columns;

/// <summary>
/// Turns a stream of (term, row, occurrences) in term-then-row order into a <c>.termfreq</c> file: only rows where a
/// term occurs more than once are kept, and on an append the previous file's pairs come first for each term (the
/// new rows all follow the old ones), with the previous file's other terms copied in their place.
/// </summary>
internal sealed class TermFrequencyMerge
{
    private readonly TermFrequencyWriter _writer;
    private readonly TermFrequencyFile? _old;
    private int _oldTerm;
    private byte[] _term = new byte[64];
    private int _termLength = -1;
    private bool _termOpen;

    public TermFrequencyMerge(TermFrequencyWriter writer, TermFrequencyFile? old)
    {
        _writer = writer;
        _old = old;
    }

    public void Emit(ReadOnlySpan<byte> term, long row, long count)
    {
        if (_termLength < 0 || !term.SequenceEqual(_term.AsSpan(0, _termLength)))
        {
            CloseTerm();
            if (_term.Length < term.Length)
                _term = new byte[Math.Max(term.Length, _term.Length * 2)];
            term.CopyTo(_term);
            _termLength = term.Length;
        }
        if (count <= 1)
            return;
        if (!_termOpen)
        {
            OpenTerm(_term.AsSpan(0, _termLength));
            _termOpen = true;
        }
        _writer.Add(row, (uint)Math.Min(count, uint.MaxValue));
    }

    /// <summary>Ends the last term and copies the previous file's terms that sort after it.</summary>
    public void Finish()
    {
        CloseTerm();
        while (_old is not null && _oldTerm < _old.TermCount)
            CopyOldTerm(_oldTerm++);
    }

    private void CloseTerm()
    {
        if (_termOpen)
            _writer.EndTerm();
        _termOpen = false;
    }

    private void OpenTerm(ReadOnlySpan<byte> t)
    {
        // Old terms that sort before this one go first, whole; an equal one gets its old pairs first.
        while (_old is not null && _oldTerm < _old.TermCount && _old.CompareTerm(_oldTerm, t) < 0)
            CopyOldTerm(_oldTerm++);
        _writer.BeginTerm(t);
        if (_old is not null && _oldTerm < _old.TermCount && _old.CompareTerm(_oldTerm, t) == 0)
            CopyPairs(_oldTerm++);
    }

    private void CopyOldTerm(int index)
    {
        _writer.BeginTerm(_old!.Term(index));
        CopyPairs(index);
        _writer.EndTerm();
    }

    private void CopyPairs(int index)
    {
        var docs = _old!.Documents(index);
        var counts = _old.Counts(index);
        for (int i = 0; i < docs.Length; i++)
            _writer.Add(docs[i], counts[i]);
    }
}
