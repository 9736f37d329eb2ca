using Trawl.Web.Inventory;

namespace Trawl.Web.Tests;

public sealed class UrlFoldersTests
{
    [Fact]
    public void Paths_are_relative_to_the_folder_all_urls_share_as_in_the_redpajama_post()
    {
        string[] urls =
        [
            "https://data.together.xyz/redpajama-data-1T/v1.0.0/wikipedia/wiki.jsonl",
            "https://data.together.xyz/redpajama-data-1T/v1.0.0/c4/c4-train.00000-of-01024.jsonl",
            "https://data.together.xyz/redpajama-data-1T/v1.0.0/common_crawl/2023-06/en_head_0000.json.gz.dedup.classifier.jsonl.zst",
        ];
        var folders = new UrlFolders();
        foreach (string u in urls)
            folders.Add(new Uri(u));
        Assert.Equal("https://data.together.xyz/redpajama-data-1T/v1.0.0/", folders.Prefix);
        Assert.Equal(("wikipedia/wiki.jsonl", "wikipedia", "wikipedia"), folders.Split(new Uri(urls[0])));
        Assert.Equal(("common_crawl/2023-06/en_head_0000.json.gz.dedup.classifier.jsonl.zst", "common_crawl", "common_crawl/2023-06"), folders.Split(new Uri(urls[2])));
    }

    [Fact]
    public void Urls_on_several_hosts_keep_the_host_in_the_path()
    {
        var folders = new UrlFolders();
        folders.Add(new Uri("https://a.example/x/1.bin"));
        folders.Add(new Uri("https://b.example/x/2.bin"));
        Assert.Equal("", folders.Prefix);
        Assert.Equal(("b.example/x/2.bin", "b.example", "b.example/x"), folders.Split(new Uri("https://b.example/x/2.bin")));
    }

    [Fact]
    public void A_shared_partial_folder_name_is_not_a_folder()
    {
        var folders = new UrlFolders();
        folders.Add(new Uri("https://h.example/data/a/1.bin"));
        folders.Add(new Uri("https://h.example/data/ab/2.bin"));
        Assert.Equal("https://h.example/data/", folders.Prefix);
        Assert.Equal(("ab/2.bin", "ab", "ab"), folders.Split(new Uri("https://h.example/data/ab/2.bin")));
    }
}
