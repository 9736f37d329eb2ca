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
/// Searches use the vectorized span searches of the BCL, so long fields cost little per byte.
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
        errorPosition = 0;
        record.FieldCount = 0;
        record.Simple = false;

        // Fast path: a line without quotes (most lines in most files) splits on the delimiter alone.
        int stop = data.IndexOfAny(Lf, Quote);
        if (stop < 0 ? isFinal : data[stop] == Lf)
        {
            int lineEnd = stop < 0 ? data.Length : stop;
            int contentEnd = lineEnd > 0 && data[lineEnd - 1] == Cr ? lineEnd - 1 : lineEnd;
            SplitUnquoted(data[..contentEnd], delimiter, record);
            record.Length = stop < 0 ? data.Length : stop + 1;
            record.Simple = true;
            return CsvTokenStatus.Complete;
        }
        if (stop < 0)
            return CsvTokenStatus.NeedMore;
        return TokenizeQuoted(data, delimiter, isFinal, record, out errorPosition);
    }

    private static void SplitUnquoted(ReadOnlySpan<byte> line, byte delimiter, CsvRecord record)
    {
        int start = 0;
        while (true)
        {
            int d = line[start..].IndexOf(delimiter);
            if (d < 0)
            {
                record.Add(start, line.Length, 0);
                return;
            }
            record.Add(start, start + d, 0);
            start += d + 1;
        }
    }

    private static CsvTokenStatus TokenizeQuoted(ReadOnlySpan<byte> data, byte delimiter, bool isFinal, CsvRecord record, out int errorPosition)
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
                int k = data[pos..].IndexOfAny(delimiter, Lf);
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
