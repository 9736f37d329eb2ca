using Microsoft.Data.Sqlite;
using Trawl.Store.Queries;

namespace Trawl.Store.Sql;

/// <summary>The SQL side of list cells (<see cref="ArrayText"/>), registered on every read connection so the
/// <c>__arraycontains</c> filter means the same in SQL as on the column files.</summary>
internal static class ArrayFunctions
{
    /// <summary><c>trawl_array_contains(cell, value)</c>: 1 when the cell is a JSON array or Python list holding the value as text, else 0.</summary>
    public const string Contains = "trawl_array_contains";

    public static void Register(SqliteConnection conn) =>
        conn.CreateFunction<object?, object?, bool>(Contains, (cell, value) => cell is string s && value is not null
            && ArrayText.Contains(s, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!), isDeterministic: true);
}
