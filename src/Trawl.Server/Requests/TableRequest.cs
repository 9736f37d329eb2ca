using System.Globalization;
using Trawl.Store;
using Trawl.Store.Sql;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Requests;

/// <summary>A table page's query string read into a <see cref="TableQuery"/> plus what to show beside the rows.
/// Every column it names is checked against the table, so mistakes are 400s with the columns there are.</summary>
internal sealed record TableRequest
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;
    public const int DefaultFacetSize = 30;
    public const int MaxFacetSize = 1000;

    public required TableQuery Query { get; init; }

    /// <summary>The query string in canonical form (the add-filter form's fields turned into col__op=value).</summary>
    public required QueryParams Params { get; init; }

    /// <summary>Facets asked for with _facet, _facet_array and _facet_date, in order, without repeats.</summary>
    public required IReadOnlyList<FacetRequest> Facets { get; init; }

    /// <summary>Values shown per facet (_facet_size=N or max).</summary>
    public int FacetSize { get; init; } = DefaultFacetSize;

    /// <summary>_nofacet: no facets (not even the default ones) and no suggestions.</summary>
    public bool NoFacets { get; init; }

    /// <summary>_nosuggest: no facet suggestions.</summary>
    public bool NoSuggestions { get; init; }

    /// <summary>_nocount: the count is not taken (null in JSON).</summary>
    public bool NoCount { get; init; }

    /// <summary>The columns shown (from _col / _nocol; rowid always), in table order; null for all.</summary>
    public IReadOnlySet<string>? ShownColumns { get; init; }

    /// <summary>_labels: on (expand every foreign key), off (none, not even on pages), or null (pages label, JSON
    /// does not), as Datasette.</summary>
    public bool? Labels { get; init; }

    /// <summary>_label: foreign-key columns whose values JSON expands to {"value", "label"}.</summary>
    public IReadOnlySet<string> LabelColumns { get; init; } = new HashSet<string>();

    /// <summary>_json: columns whose text is written as the JSON it holds.</summary>
    public IReadOnlySet<string> JsonColumns { get; init; } = new HashSet<string>();

    public JsonShape Shape { get; init; } = JsonShape.Objects;

    /// <summary>_nl=on with _shape=array: one JSON object per line.</summary>
    public bool NewlineDelimited { get; init; }

    /// <summary>_timelimit in ms (capped by the server's), or null.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>_ttl: seconds proxies may cache the answer, or null for the default.</summary>
    public int? CacheSeconds { get; init; }

    /// <summary>Numeric columns asked for with _histogram.</summary>
    public required IReadOnlyList<string> Histograms { get; init; }

    /// <summary>_shape=arrays: JSON rows as arrays instead of objects.</summary>
    public bool RowsAsArrays => Shape == JsonShape.Arrays;

    /// <summary>_dl=1: exports are sent as attachments.</summary>
    public bool Download { get; init; }

    /// <summary>The URL used the add-filter form's fields; pages redirect to <see cref="Params"/>.</summary>
    public bool UsedFilterForm { get; init; }

    public bool HasSearchOrFilters => !string.IsNullOrEmpty(Query.Search) || Query.Filters.Count > 0
        || Query.ColumnSearches.Count > 0 || Query.Where is not null;

    /// <summary>Op names as they appear in URLs, for the add-filter form.</summary>
    public static IReadOnlyList<string> OpNames { get; } = ColumnFilter.Operators.Select(o => o.Name).ToArray();

    /// <summary>True for "1", "on", "true", "yes".</summary>
    private static bool On(string? value) => value?.ToLowerInvariant() is "1" or "on" or "true" or "yes";

    /// <summary>The metadata's sortable_columns (null: every column sorts).</summary>
    public IReadOnlyList<string>? SortableColumns { get; init; }

    /// <summary>The sort came from the table's metadata, not the URL (the page offers no way to remove it).</summary>
    public bool SortIsDefault { get; init; }

    public static TableRequest Parse(QueryParams raw, TableInfo table, TableDefaults? defaults = null)
    {
        defaults ??= TableDefaults.Standard;
        SpecialParameters.Check(raw, SpecialParameters.Table, key => key.StartsWith("_search_", StringComparison.Ordinal) && key.Length > 8);
        if (!defaults.AllowFacet && raw.Pairs.FirstOrDefault(p => p.Key is "_facet" or "_facet_array" or "_facet_date").Key is { } facetKey)
            throw new UserErrorException($"{facetKey} is not allowed: this server runs with allow_facet off");
        var (query, usedForm) = ApplyFilterForm(raw);
        var filters = new List<ColumnFilter>();
        foreach (var (key, value) in query.Pairs)
        {
            if (key.StartsWith('_'))
                continue;
            filters.Add(ParseFilter(key, value, table));
        }

        string? sort = query.Get("_sort");
        string? sortDesc = query.Get("_sort_desc");
        if (!string.IsNullOrEmpty(sort) && !string.IsNullOrEmpty(sortDesc))
            throw new UserErrorException("use either _sort or _sort_desc, not both");
        string? sortColumn = NullIfEmpty(sort) ?? NullIfEmpty(sortDesc);
        bool sortDescending = sortColumn is not null && string.IsNullOrEmpty(sort);
        bool sortIsDefault = false;
        if (sortColumn is null && defaults.Sort is not null)
        {
            // The table's metadata sort, as Datasette: only when the URL names none.
            (sortColumn, sortDescending, sortIsDefault) = (defaults.Sort, defaults.SortDescending, true);
        }
        if (sortColumn is not null)
            sortColumn = RequireColumn(table, sortColumn, sortIsDefault ? "the metadata's sort" : "_sort");
        if (sortColumn is not null && !sortIsDefault && defaults.SortableColumns is { } sortable && !sortable.Contains(sortColumn, StringComparer.OrdinalIgnoreCase))
            throw new UserErrorException($"_sort: table '{table.Name}' can only be sorted by {string.Join(", ", sortable)} (its metadata's sortable_columns)");

        var mode = (query.Get("_searchmode") ?? "").ToLowerInvariant() switch
        {
            "" => defaults.RawSearch ? SearchMode.Raw : SearchMode.Plain,
            "plain" => SearchMode.Plain,
            "raw" => SearchMode.Raw,
            var other => throw new UserErrorException($"_searchmode must be 'plain' or 'raw', not '{other}'"),
        };

        var shape = ParseShape(query.Get("_shape"), table: true);

        var wheres = query.GetAll("_where").Where(w => !string.IsNullOrWhiteSpace(w)).ToList();
        foreach (string w in wheres)
            WhereClause.Check(w);
        var columnSearches = query.Pairs.Where(p => p.Key.StartsWith("_search_", StringComparison.Ordinal) && p.Key.Length > 8)
            .Select(p => new ColumnSearch(p.Key[8..], p.Value)).ToList();

        var facets = new List<FacetRequest>();
        foreach (var (key, value) in query.Pairs)
        {
            FacetKind? kind = key switch { "_facet" => FacetKind.Value, "_facet_array" => FacetKind.Array, "_facet_date" => FacetKind.Date, _ => null };
            if (kind is null || value.Length == 0)
                continue;
            var f = new FacetRequest(RequireColumn(table, value, key), kind.Value);
            if (!facets.Contains(f))
                facets.Add(f);
        }

        IReadOnlySet<string>? shown = null;
        var cols = Columns(query.GetAll("_col"), table, "_col");
        var nocols = Columns(query.GetAll("_nocol"), table, "_nocol");
        if (cols.Count > 0 || nocols.Count > 0)
        {
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "rowid" };
            foreach (var c in table.Columns)
            {
                if ((cols.Count == 0 || cols.Contains(c.Name)) && !nocols.Contains(c.Name))
                    set.Add(c.Name);
            }
            shown = set;
        }

        return new TableRequest
        {
            Query = new TableQuery
            {
                Table = table.Name,
                Search = NullIfEmpty(query.Get("_search")),
                SearchMode = mode,
                ColumnSearches = columnSearches,
                Filters = filters,
                Where = wheres.Count == 0 ? null : string.Join(" AND ", wheres.Select(w => "(" + w + ")")),
                Sort = sortColumn,
                SortDescending = sortDescending,
                Size = ParseSize(query.Get("_size"), "_size", defaults.PageSize, defaults.MaxPageSize),
                Next = NullIfEmpty(query.Get("_next")),
            },
            Params = query,
            Facets = facets,
            FacetSize = ParseSize(query.Get("_facet_size"), "_facet_size", defaults.FacetSize, MaxFacetSize),
            SortIsDefault = sortIsDefault,
            SortableColumns = defaults.SortableColumns,
            NoFacets = On(query.Get("_nofacet")),
            NoSuggestions = On(query.Get("_nosuggest")),
            NoCount = On(query.Get("_nocount")),
            ShownColumns = shown,
            JsonColumns = Columns(query.GetAll("_json"), table, "_json").ToHashSet(StringComparer.OrdinalIgnoreCase),
            Labels = ParseSwitch(query.Get("_labels"), "_labels"),
            LabelColumns = Columns(query.GetAll("_label"), table, "_label").ToHashSet(StringComparer.OrdinalIgnoreCase),
            Histograms = Columns(query.GetAll("_histogram"), table, "_histogram"),
            Shape = shape,
            NewlineDelimited = On(query.Get("_nl")),
            TimeLimit = ParseTimeLimit(query.Get("_timelimit")),
            CacheSeconds = ParseTtl(query.Get("_ttl")),
            Download = query.Get("_dl") is "1" or "true",
            UsedFilterForm = usedForm,
        };
    }

    /// <summary>_shape's value; "object" only where rows have a key (tables).</summary>
    public static JsonShape ParseShape(string? text, bool table) => text switch
    {
        null or "" or "objects" => JsonShape.Objects,
        "arrays" => JsonShape.Arrays,
        "array" => JsonShape.Array,
        "arrayfirst" => JsonShape.ArrayFirst,
        "object" when table => JsonShape.Object,
        "object" => throw new UserErrorException("_shape=object needs rows with a key; SQL results have none (use array or objects)"),
        _ => throw new UserErrorException($"_shape must be objects, arrays, array, arrayfirst{(table ? " or object" : "")}, not '{text}'"),
    };

    /// <summary>on/off (1/0, true/false, yes/no) or null when absent.</summary>
    private static bool? ParseSwitch(string? text, string parameter) => text?.ToLowerInvariant() switch
    {
        null or "" => null,
        "1" or "on" or "true" or "yes" => true,
        "0" or "off" or "false" or "no" => false,
        _ => throw new UserErrorException($"{parameter} must be on or off, not '{text}'"),
    };

    public static TimeSpan? ParseTimeLimit(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int ms) || ms < 1)
            throw new UserErrorException($"_timelimit must be a whole number of milliseconds, not '{text}'");
        return TimeSpan.FromMilliseconds(ms);
    }

    public static int? ParseTtl(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            throw new UserErrorException($"_ttl must be a whole number of seconds, not '{text}'");
        return seconds;
    }

    /// <summary>The add-filter form sends _filter_column, _filter_op and _filter_value; they become col__op=value.</summary>
    private static (QueryParams Query, bool UsedForm) ApplyFilterForm(QueryParams raw)
    {
        if (!raw.Has("_filter_column") && !raw.Has("_filter_op") && !raw.Has("_filter_value"))
            return (raw, false);
        string column = raw.Get("_filter_column") ?? "";
        string op = (raw.Get("_filter_op") ?? "exact").ToLowerInvariant();
        string value = raw.Get("_filter_value") ?? "";
        var rest = raw.Without("_filter_column", "_filter_op", "_filter_value", "_next");
        if (column.Length == 0)
            return (rest, true);
        if (!OpNames.Contains(op))
            throw new UserErrorException($"unknown filter operator '{op}' (use one of: {string.Join(", ", OpNames)})");
        if (op is "isnull" or "notnull" or "isblank" or "notblank" && value.Length == 0)
            value = "1";
        return (rest.With($"{column}__{op}", value), true);
    }

    private static ColumnFilter ParseFilter(string key, string value, TableInfo table)
    {
        // A column whose own name contains "__" is matched whole before the suffix is read as an operator.
        if (IsColumn(table, key))
            return new ColumnFilter(ColumnName(table, key), FilterOp.Exact, value);
        var parsed = ColumnFilter.ParseKey(key);
        if (parsed is null)
        {
            string op = key[(key.LastIndexOf("__", StringComparison.Ordinal) + 2)..];
            throw new UserErrorException($"unknown filter operator '{op}' in '{key}' (use one of: {string.Join(", ", OpNames)})");
        }
        var (column, filterOp) = parsed.Value;
        column = RequireColumn(table, column, "filter");
        if ((filterOp is FilterOp.Gt or FilterOp.Gte or FilterOp.Lt or FilterOp.Lte) && value.Length == 0)
            throw new UserErrorException($"filter '{key}' needs a value");
        return new ColumnFilter(column, filterOp, value);
    }

    private static int ParseSize(string? text, string parameter, int defaultSize, int maxSize)
    {
        if (string.IsNullOrEmpty(text))
            return defaultSize;
        if (text == "max")
            return maxSize;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1 || size > maxSize)
            throw new UserErrorException($"{parameter} must be a whole number from 1 to {maxSize} (or max), not '{text}'");
        return size;
    }

    private static IReadOnlyList<string> Columns(IEnumerable<string> names, TableInfo table, string parameter) =>
        names.Where(n => n.Length > 0).Select(n => RequireColumn(table, n, parameter)).Distinct(StringComparer.Ordinal).ToArray();

    private static bool IsColumn(TableInfo table, string name) =>
        name.Equals("rowid", StringComparison.OrdinalIgnoreCase) || table.FindColumn(name) is not null;

    private static string ColumnName(TableInfo table, string name) =>
        name.Equals("rowid", StringComparison.OrdinalIgnoreCase) ? "rowid" : table.FindColumn(name)!.Name;

    /// <summary>The column's stored spelling, or a 400 that lists the table's columns.</summary>
    public static string RequireColumn(TableInfo table, string name, string parameter)
    {
        if (IsColumn(table, name))
            return ColumnName(table, name);
        string columns = string.Join(", ", table.Columns.Select(c => c.Name));
        throw new UserErrorException($"{parameter}: table '{table.Name}' has no column '{name}' (columns: rowid, {columns})");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
