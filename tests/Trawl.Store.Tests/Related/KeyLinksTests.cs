using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Related;

namespace Trawl.Store.Tests.Related;

/// <summary>Foreign keys read through the contracts: labels for a page's keys and the rows pointing at a row,
/// checked against counts made from the generated rows, on both the column files and the SQL path.</summary>
public sealed class KeyLinksTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trawl-keylinks-" + Guid.NewGuid().ToString("N")[..12]);

    public KeyLinksTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static TableInfo Table(params string[] columns) =>
        new("t", 0, columns.Select(c => new ColumnInfo(c, SqlType.Text, ColumnRole.None)).ToList(), [], null, null);

    [Theory]
    [InlineData("id,name,count", null, "name")]
    [InlineData("id,Title", null, "Title")]
    [InlineData("pk,label", null, "label")]
    [InlineData("id,pk", null, null)]
    [InlineData("id,a,b", null, null)]
    [InlineData("id,a,b", "b", "b")]
    [InlineData("id,name", "missing", "name")]
    public void Label_column_follows_Datasettes_rule(string columns, string? configured, string? expected) =>
        Assert.Equal(expected, LabelColumns.For(Table(columns.Split(',')), configured));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Keys_resolve_to_the_first_row_holding_them_and_incoming_links_count_the_pointing_rows(bool columnFiles)
    {
        string captions = Path.Combine(_root, "captions.csv");
        string images = Path.Combine(_root, "images.csv");
        var rng = new Random(5);
        var imageOf = Enumerable.Range(0, 400).Select(_ => rng.Next(60)).ToList();
        File.WriteAllText(captions, "caption,image_id\n" + string.Concat(imageOf.Select((im, i) => $"caption {i},{im}\n")));
        // Images 0..49 exist (50..59 are dangling keys); id 7 appears twice and the first row wins.
        File.WriteAllText(images, "id,file_name,title\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},f{i}.jpg,Image <{i}>\n")) + "7,dup.jpg,second seven\n");
        string dataset = Path.Combine(_root, "coco.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [captions], Table = "captions", ForeignKeys = ["image_id=images.id"] });
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [images], Table = "images" });
        using var ds = Dataset.Open(dataset);
        ds.UseColumnFiles = columnFiles;

        var key = Assert.Single(KeyLinks.From(ds, "captions"));
        Assert.Equal(new ForeignKey("captions", "image_id", "images", "id", null), key);
        Assert.Empty(KeyLinks.From(ds, "images"));

        var targets = KeyLinks.Resolve(ds, key, imageOf.Select(i => (object?)(long)i).Append(null));
        var expected = imageOf.Where(i => i < 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.True(expected.SetEquals(targets.Keys), string.Join(",", targets.Keys));
        foreach (var (value, target) in targets)
        {
            Assert.Equal(long.Parse(value), target.RowId);
            Assert.Equal($"Image <{value}>", target.Label);
        }
        // The metadata's label column wins over the guessed one.
        Assert.Equal("f3.jpg", KeyLinks.Resolve(ds, key, [3L], labelColumn: "file_name")["3"].Label);

        foreach (int image in new[] { 0, 7, 49 })
        {
            var (columns, values) = ds.GetRow("images", image)!.Value;
            var link = Assert.Single(KeyLinks.To(ds, "images", columns, values));
            Assert.Equal(imageOf.Count(i => i == image), link.Count);
            Assert.Equal((long)image, link.Value);
        }
    }
}
