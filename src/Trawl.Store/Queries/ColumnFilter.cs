using System.Text.Json;

namespace Trawl.Store.Queries;

/// <summary>One filter on one column; the value is bound as a parameter, never spliced into SQL.</summary>
public sealed record ColumnFilter(string Column, FilterOp Op, string Value)
{
    /// <summary>Every operator by its URL name ("notcontains", "arraycontains", ...), in the order pages list them.</summary>
    public static IReadOnlyList<(string Name, FilterOp Op)> Operators { get; } =
        Enum.GetValues<FilterOp>().Select(op => (op.ToString().ToLowerInvariant(), op)).ToArray();

    /// <summary>The operator of a URL name (case-insensitive), or null.</summary>
    public static FilterOp? ParseOp(string name)
    {
        foreach (var (n, op) in Operators)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase))
                return op;
        }
        return null;
    }

    /// <summary>Parses "col__op" (and plain "col", which means exact) into column and op; null when the suffix is not a known op.</summary>
    public static (string Column, FilterOp Op)? ParseKey(string key)
    {
        int i = key.LastIndexOf("__", StringComparison.Ordinal);
        if (i <= 0)
            return (key, FilterOp.Exact);
        FilterOp? op = ParseOp(key[(i + 2)..]);
        return op is null ? null : (key[..i], op.Value);
    }

    /// <summary>Reads a yes/no filter value ("1"/"true"/"yes"/"" or "0"/"false"/"no"); anything else is a user error.</summary>
    public bool Flag => Value.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "" => true,
        "0" or "false" or "no" => false,
        _ => throw new UserErrorException($"{Key}: expected 1/true or 0/false, got '{Value}'"),
    };

    /// <summary>The query-string key for this filter ("col__op").</summary>
    public string Key => $"{Column}__{Op.ToString().ToLowerInvariant()}";

    /// <summary>The values of an __in filter: "a,b,c" or a JSON array ["a", 1, "b,c"].</summary>
    public static List<string> InList(string value)
    {
        string trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(trimmed);
                var list = new List<string>();
                foreach (var e in doc.RootElement.EnumerateArray())
                {
                    list.Add(e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString()!,
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
                        JsonValueKind.Null => throw new UserErrorException("__in: null is not a value; use __isnull"),
                        _ => throw new UserErrorException("__in: the JSON array may hold only strings and numbers"),
                    });
                }
                return list;
            }
            catch (JsonException e)
            {
                throw new UserErrorException($"__in: '{value}' is not a JSON array: {e.Message}", e);
            }
        }
        return trimmed.Split(',').Select(s => s.Trim()).ToList();
    }
}
