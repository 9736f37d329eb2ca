namespace Trawl.Formats.Csv;

/// <summary>
/// The fields of one tokenized record: byte ranges relative to the record's first byte. Reused for
/// every record; only the first <see cref="Capacity"/> fields are kept, the rest are only counted
/// (enough to report a ragged row).
/// </summary>
internal sealed class CsvRecord
{
    public const byte Quoted = 1;
    public const byte HasDoubledQuotes = 2;

    public CsvRecord(int capacity)
    {
        Starts = new int[capacity];
        Ends = new int[capacity];
        Flags = new byte[capacity];
    }

    public int[] Starts { get; private set; }
    public int[] Ends { get; private set; }
    public byte[] Flags { get; private set; }
    public int Capacity => Starts.Length;

    /// <summary>Fields seen (may exceed <see cref="Capacity"/>).</summary>
    public int FieldCount { get; set; }

    /// <summary>Bytes of the record including its line end.</summary>
    public int Length { get; set; }

    /// <summary>Whether the record has no quoted field (then it holds exactly one newline, or none at the end of the file).</summary>
    public bool Simple { get; set; }

    /// <summary>Keep every field (for the header, whose width is not known yet).</summary>
    public bool Grow { get; set; }

    public void Add(int start, int end, byte flags)
    {
        int i = FieldCount++;
        if (i >= Starts.Length)
        {
            if (!Grow)
                return;
            int n = Math.Max(8, Starts.Length * 2);
            var s = Starts; var e = Ends; var f = Flags;
            Array.Resize(ref s, n); Array.Resize(ref e, n); Array.Resize(ref f, n);
            Starts = s; Ends = e; Flags = f;
        }
        Starts[i] = start;
        Ends[i] = end;
        Flags[i] = flags;
    }
}
