using System.Buffers.Binary;
using System.Text;
using Trawl.Store;

namespace Trawl.ClickHouse.Queries;

/// <summary>
/// Where a page ended: the last row's sort value (when the query sorts by a column) and its id. The next page starts
/// after it with a WHERE on (value, id) instead of an OFFSET, so page 1000 costs what page 1 costs: the engine skips
/// by the primary key (the id) rather than reading and dropping the rows before. Written into <c>_next</c> as
/// "k" + base64url of: kind byte, id (8 bytes), the order it belongs to (direction byte, column name length and UTF-8),
/// value (8 bytes for numbers, UTF-8 for text). A cursor of another order is refused rather than misread.
/// </summary>
public sealed record KeysetCursor(long Id, KeysetValueKind Kind, long Integer = 0, double Real = 0, string? Text = null)
{
    /// <summary>The page order the cursor belongs to: "+column" or "-column", "+" or "-" for the id order.</summary>
    public string Order { get; init; } = "+";

    private const char Prefix = 'k';

    /// <summary>The cursor after a row whose sort value is <paramref name="value"/> (ignored when the query has no sort).</summary>
    public static KeysetCursor After(long id, string order, bool sorted, object? value) => (!sorted
        ? new KeysetCursor(id, KeysetValueKind.Unsorted)
        : value switch
        {
            null => new KeysetCursor(id, KeysetValueKind.Null),
            long l => new KeysetCursor(id, KeysetValueKind.Integer, Integer: l),
            double d => new KeysetCursor(id, KeysetValueKind.Real, Real: d),
            string s => new KeysetCursor(id, KeysetValueKind.Text, Text: s),
            _ => new KeysetCursor(id, KeysetValueKind.Text, Text: Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
        }) with { Order = order };

    public string Encode()
    {
        int valueBytes = Kind switch
        {
            KeysetValueKind.Integer or KeysetValueKind.Real or KeysetValueKind.Offset => 8,
            KeysetValueKind.Text => Encoding.UTF8.GetByteCount(Text!),
            _ => 0,
        };
        int orderBytes = Encoding.UTF8.GetByteCount(Order);
        if (orderBytes > ushort.MaxValue)
            throw new UserErrorException("the sort column's name is too long for a page cursor");
        int at = 11 + orderBytes;
        var bytes = new byte[at + valueBytes];
        bytes[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), Id);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(9), (ushort)orderBytes);
        Encoding.UTF8.GetBytes(Order, bytes.AsSpan(11));
        switch (Kind)
        {
            case KeysetValueKind.Integer or KeysetValueKind.Offset: BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), Integer); break;
            case KeysetValueKind.Real: BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), Real); break;
            case KeysetValueKind.Text: Encoding.UTF8.GetBytes(Text!, bytes.AsSpan(at)); break;
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
        if (bytes.Length < 11 || !Enum.IsDefined((KeysetValueKind)bytes[0]))
            throw error;
        var kind = (KeysetValueKind)bytes[0];
        long id = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(1));
        int orderBytes = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(9));
        if (bytes.Length < 11 + orderBytes)
            throw error;
        var strict = new UTF8Encoding(false, true);
        try
        {
            string order = strict.GetString(bytes, 11, orderBytes);
            if (order.Length == 0 || order[0] is not ('+' or '-'))
                throw error;
            var rest = bytes.AsSpan(11 + orderBytes);
            var cursor = kind switch
            {
                KeysetValueKind.Unsorted or KeysetValueKind.Null when rest.Length == 0 => new KeysetCursor(id, kind),
                KeysetValueKind.Integer when rest.Length == 8 => new KeysetCursor(id, kind, Integer: BinaryPrimitives.ReadInt64LittleEndian(rest)),
                KeysetValueKind.Offset when rest.Length == 8 && BinaryPrimitives.ReadInt64LittleEndian(rest) > 0 =>
                    new KeysetCursor(id, kind, Integer: BinaryPrimitives.ReadInt64LittleEndian(rest)),
                KeysetValueKind.Real when rest.Length == 8 && !double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(rest)) =>
                    new KeysetCursor(id, kind, Real: BinaryPrimitives.ReadDoubleLittleEndian(rest)),
                KeysetValueKind.Text => new KeysetCursor(id, kind, Text: strict.GetString(rest)),
                _ => throw error,
            };
            return cursor with { Order = order };
        }
        catch (DecoderFallbackException)
        {
            throw error;
        }
    }
}
