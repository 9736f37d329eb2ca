using System.Text.Json;

namespace Trawl.Store.Queries;

/// <summary>One filter on one column; the value is bound as a parameter, never spliced into SQL.</summary>
public sealed record ColumnFilter(string Column, FilterOp Op, string Value)
{
    /// <summary>Parses "col__op" (and plain "col", which means exact) into column and op; null when the suffix is not a known op.</summary>
    public static (string Column, FilterOp Op)? ParseKey(string key)
    {
        int i = key.LastIndexOf("__", StringComparison.Ordinal);
        if (i <= 0)
            return (key, FilterOp.Exact);
        FilterOp? op = key[(i + 2)..].ToLowerInvariant() switch
        {
            "exact" => FilterOp.Exact,
            "not" => FilterOp.Not,
            "contains" => FilterOp.Contains,
            "startswith" => FilterOp.StartsWith,
            "gt" => FilterOp.Gt,
            "gte" => FilterOp.Gte,
            "lt" => FilterOp.Lt,
            "lte" => FilterOp.Lte,
            "in" => FilterOp.In,
            "isnull" => FilterOp.IsNull,
            _ => null,
        };
        return op is null ? null : (key[..i], op.Value);
    }

    /// <summary>The query-string key for this filter ("col__op").</summary>
    public string Key => Op == FilterOp.Exact ? $"{Column}__exact" : $"{Column}__{Op.ToString().ToLowerInvariant()}";

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
