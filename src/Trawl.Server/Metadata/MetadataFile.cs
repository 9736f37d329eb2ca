using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Queries;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Trawl.Server.Metadata;

/// <summary>
/// Reads <c>trawl serve --metadata FILE</c>: Datasette's metadata format as JSON, or as YAML (told by the extension
/// .yml/.yaml, else by the first character). YAML is turned into the same JSON tree, so one reader checks both. A
/// file that cannot be read, or a key with a value of the wrong kind, is a <see cref="UserErrorException"/> naming
/// the file and the key (and for syntax errors the line).
/// </summary>
public static partial class MetadataFile
{
    /// <summary>Largest metadata file read (it is held in memory whole).</summary>
    public const long MaxBytes = 16 << 20;

    public static SiteMetadata Load(string path)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"--metadata {path}: no such file");
        if (new FileInfo(path).Length > MaxBytes)
            throw new UserErrorException($"--metadata {path}: larger than {MaxBytes >> 20} MB");
        string text = File.ReadAllText(path);
        bool yaml = path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || !(text.TrimStart().StartsWith('{'));
        JsonNode? root;
        try
        {
            root = yaml ? FromYaml(text) : JsonNode.Parse(text);
        }
        catch (YamlException e)
        {
            throw new UserErrorException($"--metadata {path}: line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new UserErrorException($"--metadata {path}: {e.Message}", e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserErrorException($"--metadata {path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (root is null)
            return SiteMetadata.Empty;
        if (root is not JsonObject o)
            throw new UserErrorException($"--metadata {path}: the top level must be a mapping (title:, databases:, ...)");
        return Parse(o, path) with { Path = path, Json = o.ToJsonString() };
    }

    private static SiteMetadata Parse(JsonObject o, string path)
    {
        var databases = new Dictionary<string, DatabaseMetadata>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, node) in Object(o, "databases", path))
        {
            string at = $"databases.{name}";
            var db = node as JsonObject ?? throw Wrong(path, at, "a mapping");
            var tables = new Dictionary<string, TableMetadata>(StringComparer.OrdinalIgnoreCase);
            foreach (var (table, tnode) in Object(db, "tables", path, at))
                tables[table] = ParseTable(tnode as JsonObject ?? throw Wrong(path, $"{at}.tables.{table}", "a mapping"), path, $"{at}.tables.{table}");
            var queries = new Dictionary<string, CannedQuery>(StringComparer.OrdinalIgnoreCase);
            foreach (var (query, qnode) in Object(db, "queries", path, at))
                queries[query] = ParseQuery(qnode, path, $"{at}.queries.{query}");
            databases[name] = new DatabaseMetadata(Text(db, "title", path, at), Text(db, "description", path, at), Text(db, "license", path, at),
                Text(db, "license_url", path, at), Text(db, "source", path, at), Text(db, "source_url", path, at), tables, queries);
        }
        return new SiteMetadata(Text(o, "title", path, ""), Text(o, "description", path, ""), Text(o, "license", path, ""),
            Text(o, "license_url", path, ""), Text(o, "source", path, ""), Text(o, "source_url", path, ""), databases);
    }

    private static TableMetadata ParseTable(JsonObject t, string path, string at)
    {
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (column, cnode) in Object(t, "columns", path, at))
            columns[column] = cnode is JsonValue v && v.TryGetValue(out string? s) ? s : throw Wrong(path, $"{at}.columns.{column}", "text");
        var facets = new List<FacetRequest>();
        if (t["facets"] is { } f)
        {
            if (f is not JsonArray list)
                throw Wrong(path, $"{at}.facets", "a list of column names");
            foreach (var item in list)
            {
                // A column name, or Datasette's {"array": "col"} / {"date": "col"} for list-element and date facets.
                if (item is JsonValue v && v.TryGetValue(out string? s))
                    facets.Add(new FacetRequest(s, FacetKind.Value));
                else if (item is JsonObject fo && fo.Count == 1 && fo.First().Value is JsonValue fv && fv.TryGetValue(out string? col))
                {
                    var kind = fo.First().Key switch
                    {
                        "array" => FacetKind.Array,
                        "date" => FacetKind.Date,
                        "column" => FacetKind.Value,
                        var other => throw Wrong(path, $"{at}.facets", $"a list of column names or {{array: COLUMN}} / {{date: COLUMN}}, not {{{other}: ...}}"),
                    };
                    facets.Add(new FacetRequest(col, kind));
                }
                else
                    throw Wrong(path, $"{at}.facets", "a list of column names");
            }
        }
        int? size = Positive(t, "size", path, at);
        int? facetSize = Positive(t, "facet_size", path, at);
        bool hidden = t["hidden"] is JsonValue h && h.TryGetValue(out bool b) && b;
        return new TableMetadata(Text(t, "title", path, at), Text(t, "description", path, at), columns, Text(t, "label_column", path, at),
            facets, Text(t, "sort", path, at), Text(t, "sort_desc", path, at), size, hidden)
        {
            FacetSize = facetSize,
            SortableColumns = t["sortable_columns"] is null ? null : Names(t, "sortable_columns", path, at),
            RawSearch = Text(t, "searchmode", path, at) switch
            {
                null or "plain" => false,
                "raw" => true,
                var other => throw Wrong(path, $"{at}.searchmode", $"plain or raw, not '{other}'"),
            },
            License = Text(t, "license", path, at),
            LicenseUrl = Text(t, "license_url", path, at),
            Source = Text(t, "source", path, at),
            SourceUrl = Text(t, "source_url", path, at),
        };
    }

    private static List<string> Names(JsonObject o, string key, string path, string at)
    {
        if (o[key] is not JsonArray list)
            throw Wrong(path, $"{at}.{key}", "a list of column names");
        return list.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw Wrong(path, $"{at}.{key}", "a list of column names")).ToList();
    }

    private static int? Positive(JsonObject o, string key, string path, string at)
    {
        if (o[key] is not { } node)
            return null;
        if (node is not JsonValue v || !v.TryGetValue(out int n) || n < 1)
            throw Wrong(path, $"{at}.{key}", "a positive whole number");
        return n;
    }

    private static CannedQuery ParseQuery(JsonNode? node, string path, string at)
    {
        // A canned query is its SQL, or a mapping with sql: and optional title:/description:.
        if (node is JsonValue v && v.TryGetValue(out string? bare))
            return new CannedQuery(bare, null, null, Parameters(bare));
        var q = node as JsonObject ?? throw Wrong(path, at, "SQL text or a mapping with sql:");
        string sql = Text(q, "sql", path, at) ?? throw Wrong(path, at + ".sql", "SQL text");
        return new CannedQuery(sql, Text(q, "title", path, at), Text(q, "description", path, at), Parameters(sql));
    }

    /// <summary>The <c>:name</c> parameters of a query, in order of first use.</summary>
    public static IReadOnlyList<string> Parameters(string sql) =>
        NamedParameter().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Object(JsonObject o, string key, string path, string at = "")
    {
        if (o[key] is null)
            return [];
        return o[key] as JsonObject ?? throw Wrong(path, Join(at, key), "a mapping");
    }

    private static string? Text(JsonObject o, string key, string path, string at)
    {
        var node = o[key];
        if (node is null)
            return null;
        if (node is JsonValue v && v.TryGetValue(out string? s))
            return s;
        throw Wrong(path, Join(at, key), "text");
    }

    private static string Join(string at, string key) => at.Length == 0 ? key : at + "." + key;

    private static UserErrorException Wrong(string path, string key, string expected) =>
        new($"--metadata {path}: '{key}' should be {expected}");

    /// <summary>A YAML document as a JSON tree: mappings → objects, sequences → arrays, scalars → strings, except
    /// plain true/false and whole numbers (what hidden: and size: need).</summary>
    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        int budget = MaxNodes;
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, 0, ref budget);
    }

    /// <summary>Nodes a YAML file may expand to: aliases are copied, so a few lines of anchors could otherwise
    /// expand to billions of nodes.</summary>
    private const int MaxNodes = 1_000_000;

    private static JsonNode? Convert(YamlNode node, int depth, ref int budget)
    {
        if (depth > 64)
            throw new InvalidDataException("nested more than 64 levels");
        if (--budget < 0)
            throw new InvalidDataException($"more than {MaxNodes:N0} values (after expanding aliases)");
        switch (node)
        {
            case YamlMappingNode map:
            {
                var o = new JsonObject();
                foreach (var (key, value) in map.Children)
                    o[((YamlScalarNode)key).Value ?? ""] = Convert(value, depth + 1, ref budget);
                return o;
            }
            case YamlSequenceNode seq:
            {
                var a = new JsonArray();
                foreach (var item in seq.Children)
                    a.Add(Convert(item, depth + 1, ref budget));
                return a;
            }
            case YamlScalarNode scalar:
            {
                string? s = scalar.Value;
                if (scalar.Style == ScalarStyle.Plain)
                {
                    if (s is null or "" or "~" or "null")
                        return null;
                    if (s is "true" or "True")
                        return JsonValue.Create(true);
                    if (s is "false" or "False")
                        return JsonValue.Create(false);
                    if (int.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int n))
                        return JsonValue.Create(n);
                }
                return JsonValue.Create(s);
            }
            default:
                return null;
        }
    }

    [GeneratedRegex(@"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex NamedParameter();
}
