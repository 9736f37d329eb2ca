namespace Trawl.Web.Inventory;

/// <summary>
/// The seed script's path columns: <c>path</c> is the URL after the folder every URL of the list shares
/// (wikipedia/wiki.jsonl), <c>top_folder</c> its first folder (common_crawl) and <c>top_folders</c> all its folders
/// (common_crawl/2023-06). When the URLs share no folder (several hosts) the path starts with the host.
/// </summary>
public sealed class UrlFolders
{
    private string? _prefix;

    /// <summary>Narrows the shared prefix with one more URL of the list.</summary>
    public void Add(Uri url)
    {
        string s = Base(url);
        if (_prefix is null)
        {
            _prefix = s[..(s.LastIndexOf('/') + 1)];
            return;
        }
        int n = 0;
        int max = Math.Min(_prefix.Length, s.Length);
        while (n < max && _prefix[n] == s[n])
            n++;
        _prefix = _prefix[..(_prefix.LastIndexOf('/', Math.Max(0, n - 1)) + 1)];
    }

    /// <summary>The shared folder, e.g. https://data.together.xyz/redpajama-data-1T/v1.0.0/ (empty when hosts differ).</summary>
    public string Prefix => _prefix is not null && IsFolderOfHost(_prefix) ? _prefix : "";

    public (string Path, string TopFolder, string TopFolders) Split(Uri url)
    {
        string s = Base(url);
        string prefix = Prefix;
        string path = prefix.Length > 0 && s.StartsWith(prefix, StringComparison.Ordinal)
            ? s[prefix.Length..]
            : url.Host + url.AbsolutePath;
        int first = path.IndexOf('/');
        int last = path.LastIndexOf('/');
        return (path, first < 0 ? "" : path[..first], last < 0 ? "" : path[..last]);
    }

    /// <summary>The URL without query and fragment.</summary>
    private static string Base(Uri url) => url.GetLeftPart(UriPartial.Path);

    /// <summary>A prefix counts only when it holds the whole "scheme://host/" part.</summary>
    private static bool IsFolderOfHost(string prefix)
    {
        int scheme = prefix.IndexOf("://", StringComparison.Ordinal);
        return scheme > 0 && prefix.IndexOf('/', scheme + 3) > 0;
    }
}
