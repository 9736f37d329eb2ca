namespace Trawl.Formats.Tables;

/// <summary>The columns a reader produces, in order. Column names are unique (case-insensitively).</summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase);

    public TableSchema(IEnumerable<ColumnSchema> columns)
    {
        Columns = columns.ToArray();
        for (int i = 0; i < Columns.Count; i++)
        {
            if (!_byName.TryAdd(Columns[i].Name, i))
                throw new ArgumentException($"duplicate column name '{Columns[i].Name}'", nameof(columns));
        }
    }

    public IReadOnlyList<ColumnSchema> Columns { get; }

    public int Count => Columns.Count;

    /// <summary>The position of a column, or -1 when there is none of that name.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out int i) ? i : -1;
}
