using System.Text;
using Microsoft.Data.Sqlite;
using Trawl.Store.Columns;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Columns;

/// <summary>
/// Once a column has lost every encoding (unique long texts past the dictionary's budget), the column-file scan
/// goes on without reading it; the other columns' files are the same bytes as from a scan that read everything.
/// </summary>
public sealed class ColumnNarrowingTests
{
    [Fact]
    public void Columns_dropped_mid_scan_leave_the_other_columns_files_unchanged()
    {
        using var temp = new TempDir();
        var sb = new StringBuilder("id,cat,n,score,text\n");
        var rng = new Random(3);
        for (int i = 0; i < 5000; i++)
            sb.Append($"doc-{i},{(char)('a' + rng.Next(5))},{rng.Next(50)},{rng.NextDouble():R},unique text {i} {rng.Next()}\n");
        File.WriteAllText(temp.File("rows.csv"), sb.ToString());
        DatasetIngest.Run(temp.Dataset(), new IngestRequest { Sources = [temp.File("rows.csv")], Table = "t", SearchColumns = [] });
        string[] columns = ["id", "cat", "n", "score", "text"];

        string narrow = temp.File("narrow"), wide = temp.File("wide");
        using var conn = new SqliteConnection($"Data Source={Path.Combine(temp.Dataset(), "meta.db")};Pooling=False");
        conn.Open();
        // 100 entries: id and text lose their dictionaries (their only encoding) within the first rows.
        var small = ColumnStoreBuilder.Update(conn, narrow, "t", columns, maxDictionaryEntries: 100);
        var large = ColumnStoreBuilder.Update(conn, wide, "t", columns);

        Assert.Equal(5000, small.Rows);
        Assert.Empty(small.Columns.Single(c => c.Name == "text").Encodings);
        Assert.Empty(small.Columns.Single(c => c.Name == "id").Encodings);
        Assert.NotEmpty(large.Columns.Single(c => c.Name == "text").Encodings);
        // score's unique values lose their dictionary too; its numbers must still be whole.
        string scores = Path.GetFileName(ColumnFiles.File(ColumnFiles.Folder(wide), "t", "score", ColumnEncoding.Float64, ColumnFilePart.Values));
        Assert.Equal(File.ReadAllBytes(Path.Combine(ColumnFiles.Folder(wide), scores)), File.ReadAllBytes(Path.Combine(ColumnFiles.Folder(narrow), scores)));
        foreach (string c in new[] { "cat", "n" })
        {
            Assert.Equal(large.Columns.Single(e => e.Name == c).Encodings, small.Columns.Single(e => e.Name == c).Encodings);
            var files = Directory.GetFiles(ColumnFiles.Folder(wide), $"t.{c}.*").Select(Path.GetFileName).Order().ToList();
            Assert.NotEmpty(files);
            Assert.Equal(files, Directory.GetFiles(ColumnFiles.Folder(narrow), $"t.{c}.*").Select(Path.GetFileName).Order().ToList());
            foreach (string? f in files)
                Assert.Equal(File.ReadAllBytes(Path.Combine(ColumnFiles.Folder(wide), f!)), File.ReadAllBytes(Path.Combine(ColumnFiles.Folder(narrow), f!)));
        }
    }
}
