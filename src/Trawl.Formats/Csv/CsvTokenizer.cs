namespace Trawl.Formats.Csv;

/// <summary>What <see cref="CsvTokenizer.Tokenize"/> found.</summary>
internal enum CsvTokenStatus
{
    /// <summary>A whole record was tokenized.</summary>
    Complete,
    /// <summary>The record runs past the data; read more and tokenize it again from its start.</summary>
    NeedMore,
    /// <summary>A quoted field has no closing quote before the end of the file.</summary>
    UnterminatedQuote,
    /// <summary>Something other than a delimiter or line end follows a closing quote.</summary>
    TextAfterClosingQuote,
}

/// <summary>
/// Splits one CSV/TSV record into fields (RFC 4180): fields separated by the delimiter, records by
/// LF or CRLF; a field that starts with a quote runs to the matching quote, may hold delimiters and
/// line ends, and writes a quote as two. A quote inside an unquoted field is kept as text.
/// One vectorized search (delimiter, LF or quote) per unquoted field, so long fields cost little per byte.
/// </summary>
internal static class CsvTokenizer
{
    private const byte Quote = (byte)'"';
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    /// <param name="data">Bytes from the record's first byte.</param>
    /// <param name="isFinal">No bytes follow <paramref name="data"/> (end of file).</param>
    /// <param name="errorPosition">For an error: where in <paramref name="data"/> it is, and the field is <c>record.FieldCount</c>.</param>
    public static CsvTokenStatus Tokenize(ReadOnlySpan<byte> data, byte delimiter, bool isFinal, CsvRecord record, out int errorPosition)
    {
        record.FieldCount = 0;
        record.Simple = true;
        return TokenizeFields(data, delimiter, isFinal, record, out errorPosition);
    }

    private static CsvTokenStatus TokenizeFields(ReadOnlySpan<byte> data, byte delimiter, bool isFinal, CsvRecord record, out int errorPosition)
    {
        errorPosition = 0;
        int pos = 0;
        while (true)
        {
            if (pos < data.Length && data[pos] == Quote)
            {
                int open = pos;
                int p = pos + 1;
                byte flags = CsvRecord.Quoted;
                while (true)
                {
                    int k = data[p..].IndexOf(Quote);
                    if (k < 0)
                    {
                        errorPosition = open;
                        return isFinal ? CsvTokenStatus.UnterminatedQuote : CsvTokenStatus.NeedMore;
                    }
                    p += k;
                    if (p + 1 < data.Length && data[p + 1] == Quote)
                    {
                        flags |= CsvRecord.HasDoubledQuotes;
                        p += 2;
                        continue;
                    }
                    if (p + 1 >= data.Length && !isFinal)
                        return CsvTokenStatus.NeedMore; // a quote at the end of the data may be the first of a pair
                    break;
                }
                record.Add(open + 1, p, flags);
                record.Simple = false;
                pos = p + 1;
                if (pos >= data.Length)
                {
                    record.Length = pos;
                    return CsvTokenStatus.Complete; // isFinal here, by the check above
                }
                byte c = data[pos];
                if (c == delimiter)
                {
                    pos++;
                    continue;
                }
                if (c == Lf)
                {
                    record.Length = pos + 1;
                    return CsvTokenStatus.Complete;
                }
                if (c == Cr)
                {
                    if (pos + 1 < data.Length)
                    {
                        if (data[pos + 1] == Lf)
                        {
                            record.Length = pos + 2;
                            return CsvTokenStatus.Complete;
                        }
                    }
                    else if (isFinal)
                    {
                        record.Length = pos + 1;
                        return CsvTokenStatus.Complete;
                    }
                    else
                    {
                        return CsvTokenStatus.NeedMore;
                    }
                }
                record.FieldCount--; // the error names the field that holds the stray text
                errorPosition = pos;
                return CsvTokenStatus.TextAfterClosingQuote;
            }
            else
            {
                int k = data[pos..].IndexOfAny(delimiter, Lf, Quote);
                while (k >= 0 && data[pos + k] == Quote)
                {
                    int next = data[(pos + k + 1)..].IndexOfAny(delimiter, Lf, Quote);
                    k = next < 0 ? -1 : k + 1 + next;
                }
                if (k < 0)
                {
                    if (!isFinal)
                        return CsvTokenStatus.NeedMore;
                    int end = data.Length > pos && data[^1] == Cr ? data.Length - 1 : data.Length;
                    record.Add(pos, end, 0);
                    record.Length = data.Length;
                    return CsvTokenStatus.Complete;
                }
                int e = pos + k;
                if (data[e] == delimiter)
                {
                    record.Add(pos, e, 0);
                    pos = e + 1;
                    continue;
                }
                int contentEnd = e > pos && data[e - 1] == Cr ? e - 1 : e;
                record.Add(pos, contentEnd, 0);
                record.Length = e + 1;
                return CsvTokenStatus.Complete;
            }
        }
    }
}
