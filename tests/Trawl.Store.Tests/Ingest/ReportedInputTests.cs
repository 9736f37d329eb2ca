using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Ingest;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Ingest;

/// <summary>Inputs from issue 14's report that broke the ingest, each named after the input.</summary>
public sealed class ReportedInputTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Coco_images_json_gets_no_date_captured_caption()
    {
        string json = _temp.File("instances_val2017.json");
        File.WriteAllText(json, """
            {"images": [
              {"license": 4, "file_name": "000000397133.jpg", "coco_url": "http://images.cocodataset.org/val2017/000000397133.jpg", "height": 427, "width": 640, "date_captured": "2013-11-14 17:02:52", "flickr_url": "http://farm7.staticflickr.com/6116/6255196340_da26cf2c9e_z.jpg", "id": 397133},
              {"license": 1, "file_name": "000000037777.jpg", "coco_url": "http://images.cocodataset.org/val2017/000000037777.jpg", "height": 230, "width": 352, "date_captured": "2013-11-14 20:55:31", "flickr_url": "http://farm9.staticflickr.com/8429/7839199426_f6d48aa585_z.jpg", "id": 37777}
            ], "annotations": [
              {"image_id": 397133, "id": 1, "caption": "A man is in a kitchen making pizzas."},
              {"image_id": 37777, "id": 2, "caption": "The dining table near the kitchen has a bowl of fruit on it."}
            ]}
            """);
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [json], JsonPath = "images", Table = "images" });
        DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [json], JsonPath = "annotations", Table = "captions" });
        using var ds = Dataset.Open(_temp.Dataset());
        var images = ds.GetTable("images");
        Assert.Empty(images.SearchColumns);
        Assert.NotEqual(ColumnRole.Caption, images.FindColumn("date_captured")!.Role);
        // A real caption column is still chosen.
        Assert.Equal(["caption"], ds.GetTable("captions").SearchColumns);
    }

    [Fact]
    public void Plain_csv_named_csv_gz_is_an_error_not_zero_rows()
    {
        string csv = _temp.File("musiccaps.csv.gz");
        File.WriteAllText(csv, "ytid,caption\na1,a guitar\n");
        var e = Assert.Throws<DataFormatException>(() => DatasetIngest.Run(_temp.Dataset(), new IngestRequest { Sources = [csv] }));
        Assert.Contains("musiccaps.csv.gz", e.Message);
        Assert.Contains("the name says gzip but the data is not compressed", e.Message);
        Assert.False(Directory.Exists(_temp.Dataset()));
    }
}
