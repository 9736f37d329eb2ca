using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Store.Tests.Support;

/// <summary>Every page of a query, followed by cursor, from the column files or from SQLite alone.</summary>
internal static class PagedRows
{
    /// <param name="onPage">Sees each page (its number and rows) before its rows are added.</param>
    public static List<string> Collect(Dataset ds, TableQuery q, bool columnar, Func<object?[], string> format, Action<int, RowPage, List<string>>? onPage = null)
    {
        ds.UseColumnFiles = columnar;
        try
        {
            var all = new List<string>();
            string? next = null;
            for (int page = 0; page < 500; page++)
            {
                var rows = ds.QueryRows(q with { Next = next }, count: page == 0);
                onPage?.Invoke(page, rows, all);
                all.AddRange(rows.Rows.Select(format));
                next = rows.Next;
                if (next is null)
                    break;
            }
            return all;
        }
        finally
        {
            ds.UseColumnFiles = true;
        }
    }
}
