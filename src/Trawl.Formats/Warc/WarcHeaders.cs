using System.Text;

namespace Trawl.Formats.Warc;

/// <summary>The named fields of one WARC record's header block (or an HTTP message's headers) that Trawl keeps.</summary>
internal sealed class WarcHeaders
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.OrdinalIgnoreCase);

    public string? this[string name] => _fields.TryGetValue(name, out var v) ? v : null;

    public void Clear() => _fields.Clear();

    /// <summary>Parses "Name: value" lines (CRLF or LF); continuation lines (leading space or tab) join the previous value.
    /// Returns false at a line without a colon.</summary>
    public bool Parse(ReadOnlySpan<byte> block, out string badLine)
    {
        _fields.Clear();
        badLine = "";
        string? last = null;
        while (!block.IsEmpty)
        {
            int nl = block.IndexOf((byte)'\n');
            var line = nl < 0 ? block : block[..nl];
            block = nl < 0 ? default : block[(nl + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
                line = line[..^1];
            if (line.IsEmpty)
                continue;
            if (line[0] is (byte)' ' or (byte)'\t' && last is not null)
            {
                _fields[last] = _fields[last] + " " + Encoding.UTF8.GetString(line.Trim((byte)' ').Trim((byte)'\t'));
                continue;
            }
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                badLine = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
                return false;
            }
            last = Encoding.UTF8.GetString(line[..colon]).Trim();
            string value = Encoding.UTF8.GetString(line[(colon + 1)..]).Trim();
            // Repeated HTTP headers keep the first value (enough for Content-Type and encodings).
            _fields.TryAdd(last, value);
        }
        return true;
    }
}
