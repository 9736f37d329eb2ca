using System.Globalization;
using System.Text;
using Trawl.Server.Rendering;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;

namespace Trawl.Server.Views;

/// <summary>
/// The row page's "near-duplicates" list: the other rows of the row's <c>dup_cluster</c> (written by
/// <c>trawl dedupe</c>), the kept one marked. Nothing when the table has no dedupe columns or the row has none.
/// </summary>
internal static class NearDuplicates
{
    public const int Limit = 50;

    /// <summary>The other rows of the cluster (at most <see cref="Limit"/>) with their dup_of, or null.</summary>
    public static (long Cluster, List<(long RowId, bool Kept)> Rows, bool Truncated)? Find(Trawl.Store.Contracts.ITableSource dataset, TableInfo table, IReadOnlyList<string> columns, object?[] values, long rowid)
    {
        int at = columns.ToList().FindIndex(c => c.Equals("dup_cluster", StringComparison.OrdinalIgnoreCase));
        if (at < 0 || at >= values.Length || values[at] is not long cluster || table.FindColumn("dup_of") is null)
            return null;
        var page = dataset.QueryRows(new TableQuery
        {
            Table = table.Name,
            Filters = [new ColumnFilter("dup_cluster", FilterOp.Exact, cluster.ToString(CultureInfo.InvariantCulture))],
            Size = Limit + 1,
        }, count: false);
        int idIndex = page.Columns.ToList().IndexOf("rowid");
        int ofIndex = page.Columns.ToList().FindIndex(c => c.Equals("dup_of", StringComparison.OrdinalIgnoreCase));
        var rows = page.Rows.Select(r => ((long)r[idIndex]!, r[ofIndex] is null)).Where(r => r.Item1 != rowid).ToList();
        bool truncated = page.Next is not null || rows.Count > Limit;
        return (cluster, rows.Take(Limit).ToList(), truncated);
    }

    public static void Append(StringBuilder sb, string db, string table, (long Cluster, List<(long RowId, bool Kept)> Rows, bool Truncated) found)
    {
        sb.Append("<div id=\"near-duplicates\"><h2>Near-duplicates</h2><p class=\"meta\">cluster ").Append(found.Cluster)
          .Append(" · <a href=\"").AppendEncoded(Links.Table(db, table) + "?dup_cluster=" + found.Cluster.ToString(CultureInfo.InvariantCulture)).Append("\">all rows of the cluster</a></p><ul>");
        foreach (var (id, kept) in found.Rows)
        {
            sb.Append("<li><a href=\"").AppendEncoded(Links.Row(db, table, id)).Append("\">row ").Append(id).Append("</a>");
            if (kept) sb.Append(" (kept)");
            sb.Append("</li>");
        }
        if (found.Truncated) sb.Append("<li>…</li>");
        sb.Append("</ul></div>");
    }
}
