using System.Globalization;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Requests;

/// <summary>A table page's query string read into a <see cref="TableQuery"/> plus what to show beside the rows.
/// Every column it names is checked against the table, so mistakes are 400s with the columns there are.</summary>
internal sealed class TableRequest
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    public required TableQuery Query { get; init; }

    /// <summary>The query string in canonical form (the add-filter form's fields turned into col__op=value).</summary>
    public required QueryParams Params { get; init; }

    /// <summary>Facets asked for with _facet, in order, without repeats.</summary>
    public required IReadOnlyList<string> Facets { get; init; }

    /// <summary>Numeric columns asked for with _histogram.</summary>
    public required IReadOnlyList<string> Histograms { get; init; }

    /// <summary>_shape=arrays: JSON rows as arrays instead of objects.</summary>
    public bool RowsAsArrays { get; init; }

    /// <summary>_dl=1: exports are sent as attachments.</summary>
    public bool Download { get; init; }

    /// <summary>The URL used the add-filter form's fields; pages redirect to <see cref="Params"/>.</summary>
    public bool UsedFilterForm { get; init; }

    public bool HasSearchOrFilters => !string.IsNullOrEmpty(Query.Search) || Query.Filters.Count > 0;

    /// <summary>Op names as they appear in URLs, for the add-filter form.</summary>
    public static IReadOnlyList<string> OpNames { get; } =
        ["exact", "not", "contains", "startswith", "gt", "gte", "lt", "lte", "in", "isnull"];

    public static TableRequest Parse(QueryParams raw, TableInfo table)
    {
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
        if (sortColumn is not null)
            sortColumn = RequireColumn(table, sortColumn, "_sort");

        var mode = (query.Get("_searchmode") ?? "").ToLowerInvariant() switch
        {
            "" or "plain" => SearchMode.Plain,
            "raw" => SearchMode.Raw,
            var other => throw new UserErrorException($"_searchmode must be 'plain' or 'raw', not '{other}'"),
        };

        string? shape = query.Get("_shape");
        if (shape is not null && shape != "objects" && shape != "arrays")
            throw new UserErrorException($"_shape must be 'objects' or 'arrays', not '{shape}'");

        return new TableRequest
        {
            Query = new TableQuery
            {
                Table = table.Name,
                Search = NullIfEmpty(query.Get("_search")),
                SearchMode = mode,
                Filters = filters,
                Sort = sortColumn,
                SortDescending = sortColumn is not null && string.IsNullOrEmpty(sort),
                Size = ParseSize(query.Get("_size")),
                Next = NullIfEmpty(query.Get("_next")),
            },
            Params = query,
            Facets = Columns(query.GetAll("_facet"), table, "_facet"),
            Histograms = Columns(query.GetAll("_histogram"), table, "_histogram"),
            RowsAsArrays = shape == "arrays",
            Download = query.Get("_dl") is "1" or "true",
            UsedFilterForm = usedForm,
        };
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
        if (op == "isnull" && value.Length == 0)
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

    private static int ParseSize(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return DefaultSize;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1 || size > MaxSize)
            throw new UserErrorException($"_size must be a whole number from 1 to {MaxSize}, not '{text}'");
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
