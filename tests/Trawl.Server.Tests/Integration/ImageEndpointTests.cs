using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Trawl.Formats.WebDataset;
using Trawl.Server.Tests.Browser;
using Trawl.Store.Ingest;

namespace Trawl.Server.Tests.Integration;

/// <summary>/DB/TABLE/ROWID/image over rows ingested from a webdataset shard, and the thumbnails that use it.</summary>
public sealed class ImageEndpointTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("trawl-image-endpoint-").FullName;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private byte[] _png = [];

    public async Task InitializeAsync()
    {
        _png = TestPng.Gradient(40, 30, 3);
        string shard = Path.Combine(_root, "00000.tar");
        using (var tar = new TarShardWriter(File.Create(shard)))
        {
            tar.Write("000000000.png", _png);
            tar.Write("000000000.json", Encoding.UTF8.GetBytes("""{"url": "https://img.example.com/a.png", "caption": "a gradient", "key": "000000000"}"""));
            // Bytes that claim to be an image by name only.
            tar.Write("000000001.jpg", "<html><script>alert(1)</script></html>"u8);
            tar.Write("000000001.json", Encoding.UTF8.GetBytes("""{"url": "https://img.example.com/b.jpg", "caption": "not really an image", "key": "000000001"}"""));
        }
        string dataset = Path.Combine(_root, "shots.trawl");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [shard], Table = "images" });
        // A hand-made table whose reference points outside any shard.
        string doctored = Path.Combine(_root, "doctored.csv");
        File.WriteAllText(doctored, $"caption,image_shard,image_offset,image_length\nsecrets,/etc/passwd,0,100\nrange,{shard},999999,10\n");
        DatasetIngest.Run(dataset, new IngestRequest { Sources = [doctored], Table = "doctored" });
        _app = TrawlServer.Build([dataset], new ServerOptions { Port = 0 });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_root, true);
    }

    [Fact]
    public async Task A_row_image_is_served_from_the_shard_with_its_sniffed_type_and_cache_headers()
    {
        using var response = await _client.GetAsync("/shots/images/0/image");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(_png, await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains("max-age", response.Headers.CacheControl!.ToString());
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/shots/images/0/image");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var cached = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Theory]
    [InlineData("/shots/images/1/image", "not an image")]
    [InlineData("/shots/images/99/image", "no row 99")]
    [InlineData("/shots/images/x/image", "not a row id")]
    [InlineData("/shots/doctored/0/image", ".tar shard")]
    [InlineData("/shots/doctored/1/image", "past the end")]
    public async Task Rows_without_a_real_image_in_a_shard_are_404s_that_say_why(string path, string why)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("image/", response.Content.Headers.ContentType?.MediaType ?? "");
        Assert.Contains(why, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Table_and_row_pages_take_thumbnails_from_the_shard_and_link_the_original()
    {
        string table = await _client.GetStringAsync("/shots/images");
        Assert.Contains("src=\"/shots/images/0/image\"", table);
        Assert.Contains("href=\"https://img.example.com/a.png\"", table);
        Assert.DoesNotContain("src=\"https://img.example.com/a.png\"", table);
        string row = await _client.GetStringAsync("/shots/images/0");
        Assert.Contains("src=\"/shots/images/0/image\"", row);
    }
}
