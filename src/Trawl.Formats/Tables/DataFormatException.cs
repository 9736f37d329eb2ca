namespace Trawl.Formats.Tables;

/// <summary>
/// Bad input: the message names the file and, where known, the line or row, the column and the
/// byte offset. Everything that reads data throws this for problems in the data itself.
/// </summary>
public class DataFormatException : FormatException
{
    public DataFormatException(string file, string problem, long? line = null, string? column = null, long? byteOffset = null, long? row = null, Exception? inner = null)
        : base(Describe(file, problem, line, column, byteOffset, row), inner)
    {
        File = file;
        Problem = problem;
        Line = line;
        Column = column;
        ByteOffset = byteOffset;
        Row = row;
    }

    public string File { get; }
    public string Problem { get; }
    /// <summary>1-based line in a text file.</summary>
    public long? Line { get; }
    public string? Column { get; }
    public long? ByteOffset { get; }
    /// <summary>0-based row within the file (for formats without lines).</summary>
    public long? Row { get; }

    private static string Describe(string file, string problem, long? line, string? column, long? byteOffset, long? row)
    {
        var where = new List<string>();
        if (line is not null) where.Add($"line {line}");
        if (row is not null) where.Add($"row {row}");
        if (column is not null) where.Add($"column '{column}'");
        if (byteOffset is not null) where.Add($"byte offset {byteOffset}");
        string at = where.Count > 0 ? " (" + string.Join(", ", where) + ")" : "";
        return $"{file}{at}: {problem}";
    }
}
