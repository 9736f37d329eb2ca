using System.Buffers.Text;
using System.Text.Json;

namespace Trawl.Store.Queries;

/// <summary>
/// The opaque <c>_next</c> token: the last row's sort value (with its SQLite storage type) and rowid, for
/// keyset paging; or an offset when paging by search rank. Bound to the sort it was made for.
/// </summary>
internal sealed record PageCursor(string? Sort, bool Descending, object? Value, long RowId, long Offset)
{
    public string Encode()
    {
        var (tag, v) = Value switch
        {
            null => ("n", (object?)null),
            long l => ("i", l),
            double d => ("r", d),
            string s => ("s", s),
            byte[] b => ("b", Convert.ToBase64String(b)),
            _ => ("s", Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture)),
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["s"] = Sort,
            ["d"] = Descending,
            ["t"] = tag,
            ["v"] = v,
            ["id"] = RowId,
            ["o"] = Offset,
        });
        return Base64Url.EncodeToString(json);
    }

    public static PageCursor Decode(string token)
    {
        try
        {
            byte[] json = Base64Url.DecodeFromChars(token);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? sort = root.GetProperty("s").ValueKind == JsonValueKind.Null ? null : root.GetProperty("s").GetString();
            bool desc = root.GetProperty("d").GetBoolean();
            string tag = root.GetProperty("t").GetString() ?? "n";
            var v = root.GetProperty("v");
            object? value = tag switch
            {
                "n" => null,
                "i" => v.GetInt64(),
                "r" => v.GetDouble(),
                "s" => v.GetString(),
                "b" => Convert.FromBase64String(v.GetString() ?? ""),
                _ => throw new FormatException("unknown value tag"),
            };
            return new PageCursor(sort, desc, value, root.GetProperty("id").GetInt64(), root.GetProperty("o").GetInt64());
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UserErrorException("the _next cursor is not valid (it must come from a previous page of the same query)", e);
        }
    }
}
