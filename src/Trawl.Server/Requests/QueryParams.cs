using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Trawl.Server.Requests;

/// <summary>A query string as ordered key/value pairs, so links can change one parameter and keep the rest in order.
/// Immutable: every change returns a new instance.</summary>
internal sealed class QueryParams
{
    private readonly KeyValuePair<string, string>[] _pairs;

    public QueryParams(IEnumerable<KeyValuePair<string, string>> pairs) => _pairs = pairs.ToArray();

    public static QueryParams Empty { get; } = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>Parses "?a=1&amp;b=2" (the leading '?' is optional); '+' and %XX are decoded.</summary>
    public static QueryParams Parse(string? queryString)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(queryString))
        {
            foreach (var pair in new QueryStringEnumerable(queryString))
            {
                string key = pair.DecodeName().ToString();
                if (key.Length > 0)
                    pairs.Add(new(key, pair.DecodeValue().ToString()));
            }
        }
        return new QueryParams(pairs);
    }

    /// <summary>The last value given for <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        for (int i = _pairs.Length - 1; i >= 0; i--)
        {
            if (_pairs[i].Key == key)
                return _pairs[i].Value;
        }
        return null;
    }

    public IEnumerable<string> GetAll(string key) => _pairs.Where(p => p.Key == key).Select(p => p.Value);

    public bool Has(string key) => _pairs.Any(p => p.Key == key);

    public QueryParams Without(params string[] keys) => new(_pairs.Where(p => !keys.Contains(p.Key)));

    public QueryParams Without(string key, string value) => new(_pairs.Where(p => !(p.Key == key && p.Value == value)));

    public QueryParams With(string key, string value) => new(_pairs.Append(new(key, value)));

    /// <summary>Adds the pair unless exactly this pair is already there.</summary>
    public QueryParams WithDistinct(string key, string value) =>
        _pairs.Any(p => p.Key == key && p.Value == value) ? this : With(key, value);

    /// <summary>Drops the filter pairs (keys not starting with '_') that <paramref name="isFilter"/> matches.</summary>
    public QueryParams WithoutFilters(Func<string, string, bool> isFilter) =>
        new(_pairs.Where(p => p.Key.StartsWith('_') || !isFilter(p.Key, p.Value)));

    /// <summary>Replaces every value of <paramref name="key"/> with one.</summary>
    public QueryParams Set(string key, string value) => Without(key).With(key, value);

    /// <summary>"?a=1&amp;b=2", or "" when there are no pairs.</summary>
    public override string ToString()
    {
        if (_pairs.Length == 0)
            return "";
        var sb = new StringBuilder();
        foreach (var (key, value) in _pairs)
        {
            sb.Append(sb.Length == 0 ? '?' : '&');
            sb.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }
}
