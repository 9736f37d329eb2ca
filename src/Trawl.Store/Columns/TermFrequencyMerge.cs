namespace Trawl.Store.Columns;

/// <summary>
/// Turns a stream of (term, row, occurrences) in term-then-row order into a <c>.termfreq</c> file (or segment): only
/// rows where a term occurs more than once are kept.
/// </summary>
internal sealed class TermFrequencyMerge
{
    private readonly TermFrequencyWriter _writer;
    private byte[] _term = new byte[64];
    private int _termLength = -1;
    private bool _termOpen;

    public TermFrequencyMerge(TermFrequencyWriter writer) => _writer = writer;

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
            _writer.BeginTerm(_term.AsSpan(0, _termLength));
            _termOpen = true;
        }
        _writer.Add(row, (uint)Math.Min(count, uint.MaxValue));
    }

    /// <summary>Ends the last term.</summary>
    public void Finish() => CloseTerm();

    private void CloseTerm()
    {
        if (_termOpen)
            _writer.EndTerm();
        _termOpen = false;
    }
}
