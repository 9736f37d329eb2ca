using System.Buffers.Binary;
using System.Text;
using Trawl.Store;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// Where a page ended: the last row's sort value (when the query sorts by a column) and its id. The next page starts
/// after it with a WHERE on (value, id) instead of an OFFSET, so page 1000 costs what page 1 costs: the engine skips
/// by the primary key (the id) rather than reading and dropping the rows before. Written into <c>_next</c> as
/// "k" + base64url of: kind byte, id (8 bytes), value (8 bytes for numbers, UTF-8 for text).
/// </summary>
public sealed record KeysetCursor(long Id, KeysetValueKind Kind, long Integer = 0, double Real = 0, string? Text = null)
{
    private const char Prefix = 'k';

    /// <summary>The cursor after a row whose sort value is <paramref name="value"/> (ignored when the query has no sort).</summary>
    public static KeysetCursor After(long id, bool sorted, object? value) => !sorted
        ? new KeysetCursor(id, KeysetValueKind.Unsorted)
        : value switch
        {
            null => new KeysetCursor(id, KeysetValueKind.Null),
            long l => new KeysetCursor(id, KeysetValueKind.Integer, Integer: l),
            double d => new KeysetCursor(id, KeysetValueKind.Real, Real: d),
            string s => new KeysetCursor(id, KeysetValueKind.Text, Text: s),
            _ => new KeysetCursor(id, KeysetValueKind.Text, Text: Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
        };

    public string Encode()
    {
        int valueBytes = Kind switch
        {
            KeysetValueKind.Integer or KeysetValueKind.Real => 8,
            KeysetValueKind.Text => Encoding.UTF8.GetByteCount(Text!),
            _ => 0,
        };
        var bytes = new byte[9 + valueBytes];
        bytes[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), Id);
        switch (Kind)
        {
            case KeysetValueKind.Integer: BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(9), Integer); break;
            case KeysetValueKind.Real: BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(9), Real); break;
            case KeysetValueKind.Text: Encoding.UTF8.GetBytes(Text!, bytes.AsSpan(9)); break;
        }
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a cursor <see cref="Encode"/> wrote; anything else is a <see cref="UserErrorException"/>.</summary>
    public static KeysetCursor Decode(string text)
    {
        var error = new UserErrorException("the _next cursor is not one of this dataset's");
        if (text.Length < 2 || text[0] != Prefix || text.Length > 200_000)
            throw error;
        string b64 = text[1..].Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - b64.Length % 4) % 4);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            throw error;
        }
        if (bytes.Length < 9 || !Enum.IsDefined((KeysetValueKind)bytes[0]))
            throw error;
        var kind = (KeysetValueKind)bytes[0];
        long id = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(1));
        var rest = bytes.AsSpan(9);
        switch (kind)
        {
            case KeysetValueKind.Unsorted or KeysetValueKind.Null:
                return rest.Length == 0 ? new KeysetCursor(id, kind) : throw error;
            case KeysetValueKind.Integer:
                return rest.Length == 8 ? new KeysetCursor(id, kind, Integer: BinaryPrimitives.ReadInt64LittleEndian(rest)) : throw error;
            case KeysetValueKind.Real:
                double d = rest.Length == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(rest) : double.NaN;
                return !double.IsNaN(d) ? new KeysetCursor(id, kind, Real: d) : throw error;
            default:
                try
                {
                    return new KeysetCursor(id, kind, Text: new UTF8Encoding(false, true).GetString(rest));
                }
                catch (DecoderFallbackException)
                {
                    throw error;
                }
        }
    }
}
