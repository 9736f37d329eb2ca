using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Queries;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Queries;

public sealed class PagingTests(GeneratedDataset data) : IClassFixture<GeneratedDataset>
{
    private List<object?[]> AllPages(TableQuery query, Dataset? ds = null)
    {
        ds ??= data.Dataset;
        var rows = new List<object?[]>();
        string? next = null;
        int pages = 0;
        do
        {
            var page = ds.QueryRows(query with { Next = next }, count: pages == 0);
            Assert.True(page.Rows.Count <= query.Size);
            rows.AddRange(page.Rows);
            next = page.Next;
            Assert.True(++pages < 10_000);
        } while (next is not null);
        return rows;
    }

    [Theory]
    [InlineData("score", false)]
    [InlineData("score", true)]
    [InlineData("category", false)]
    [InlineData("category", true)]
    [InlineData("rating", true)]
    [InlineData("rowid", true)]
    [InlineData(null, false)]
    public void Keyset_pages_visit_every_row_once_in_order_for_sorts_with_nulls_and_duplicates(string? sort, bool descending)
    {
        var query = new TableQuery { Table = "items", Sort = sort, SortDescending = descending, Size = 53 };
        var paged = AllPages(query);
        var all = data.Dataset.StreamRows(query, out _).ToList();
        Assert.Equal(2000, paged.Count);
        Assert.Equal(all.Select(r => (long)r[0]!), paged.Select(r => (long)r[0]!));
        Assert.Equal(2000, paged.Select(r => (long)r[0]!).Distinct().Count());

        // The order is the column's order (NULLs first ascending, last descending), ties by rowid.
        int col = sort is null or "rowid" ? 0 : Array.IndexOf(GeneratedRows.Header, sort) + 1;
        var expected = data.Rows.Rows.Select((r, i) => (Key: col == 0 ? (object)(long)i : r[col - 1], Id: (long)i));
        expected = descending
            ? expected.OrderByDescending(x => x.Key, SqliteOrder.Instance).ThenByDescending(x => x.Id)
            : expected.OrderBy(x => x.Key, SqliteOrder.Instance).ThenBy(x => x.Id);
        Assert.Equal(expected.Select(x => x.Id), paged.Select(r => (long)r[0]!));
    }

    [Fact]
    public void Keyset_paging_handles_a_column_that_is_mostly_null_with_mixed_types()
    {
        using var temp = new TempDir();
        var lines = new List<string> { "v,caption" };
        for (int i = 0; i < 300; i++)
            lines.Add((i % 5 == 0 ? "" : i % 7 == 0 ? "text" + (i % 3) : (i % 4).ToString()) + ",row " + i);
        File.WriteAllLines(temp.File("m.csv"), lines);
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [temp.File("m.csv")], BatchRows = 4 });
        using var ds = Dataset.Open(temp.Dataset());
        foreach (bool desc in new[] { false, true })
        {
            var query = new TableQuery { Table = "m", Sort = "v", SortDescending = desc, Size = 7 };
            var paged = AllPages(query, ds).Select(r => (long)r[0]!).ToList();
            var all = ds.StreamRows(query, out _).Select(r => (long)r[0]!).ToList();
            Assert.Equal(300, paged.Count);
            Assert.Equal(all, paged);
        }
    }

    [Fact]
    public void Page_size_is_capped_and_cursor_from_another_sort_is_refused()
    {
        var page = data.Dataset.QueryRows(new TableQuery { Table = "items", Size = 5000 });
        Assert.Equal(Dataset.MaxPageSize, page.Rows.Count);
        Assert.Equal(2000, page.Count);
        var sorted = data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "score", Size = 10 });
        Assert.Throws<UserErrorException>(() => data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "rating", Next = sorted.Next }));
        Assert.Throws<UserErrorException>(() => data.Dataset.QueryRows(new TableQuery { Table = "items", Next = "not-a-cursor!" }));
    }

    [Fact]
    public void Truncated_or_tampered_cursors_are_user_errors()
    {
        var page = data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "category", Size = 10 });
        string next = page.Next!;
        string json = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(next));
        string[] bad =
        [
            next[..(next.Length / 2)],
            next[..^1] + "*",
            System.Buffers.Text.Base64Url.EncodeToString("{}"u8),
            System.Buffers.Text.Base64Url.EncodeToString("[1,2]"u8),
            System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(json, "\"t\":\"[a-z]\"", "\"t\":\"q\""))),
            System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json.Replace("\"id\":", "\"id\":\"x\",\"zz\":"))),
        ];
        foreach (string cursor in bad)
        {
            Assert.NotEqual(next, cursor);
            var e = Record.Exception(() => data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "category", Size = 10, Next = cursor }));
            Assert.True(e is UserErrorException, $"cursor {cursor}: {e}");
        }
        // An empty cursor (a form's empty _next=) means the first page.
        Assert.Equal(page.Rows.Select(r => r[0]), data.Dataset.QueryRows(new TableQuery { Table = "items", Sort = "category", Size = 10, Next = "" }).Rows.Select(r => r[0]));
    }

    [Fact]
    public void Last_page_has_no_next_cursor()
    {
        var page = data.Dataset.QueryRows(new TableQuery { Table = "items", Size = 1000, Next = null });
        var last = data.Dataset.QueryRows(new TableQuery { Table = "items", Size = 1000, Next = page.Next });
        Assert.Null(last.Next);
        Assert.Equal(1000, last.Rows.Count);
    }

    /// <summary>SQLite's order of values: NULL, numbers, text (binary), blobs.</summary>
    private sealed class SqliteOrder : IComparer<object?>
    {
        public static readonly SqliteOrder Instance = new();

        public int Compare(object? x, object? y)
        {
            int rx = Rank(x), ry = Rank(y);
            if (rx != ry)
                return rx.CompareTo(ry);
            return x switch
            {
                null => 0,
                string s => string.CompareOrdinal(s, (string)y!),
                _ => Convert.ToDouble(x).CompareTo(Convert.ToDouble(y)),
            };
        }

        private static int Rank(object? v) => v switch { null => 0, string => 2, _ => 1 };
    }
}
