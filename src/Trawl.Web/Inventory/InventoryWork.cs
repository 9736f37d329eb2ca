using System.Text;
using System.Text.Json;

namespace Trawl.Web.Inventory;

/// <summary>
/// The inventory's working files, which keep its memory flat whatever the length of the list: the list's URLs and
/// the journal's records are split into buckets by a hash of the URL (every occurrence of a URL lands in the same
/// bucket), and each later step holds one bucket in memory at a time. The folder sits beside the dataset; it is
/// removed when the run ends, and a folder left by a killed run is removed by the next one.
/// </summary>
internal sealed class InventoryWork : IDisposable
{
    /// <summary>Open bucket files at once while splitting; past it the buckets grow instead.</summary>
    private const int MaxBuckets = 256;
    private const int WriterBuffer = 1 << 16;
    private static readonly UTF8Encoding Utf8 = new(false);

    private readonly string _dir;

    public InventoryWork(string dataset, long listBytes, long bucketBytes)
    {
        _dir = FolderOf(dataset);
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, true);
        Directory.CreateDirectory(_dir);
        Buckets = (int)Math.Clamp((listBytes + bucketBytes - 1) / Math.Max(1, bucketBytes), 1, MaxBuckets);
    }

    public int Buckets { get; }

    /// <summary>The JSON Lines file the table is loaded from: the latest answer per URL, in list order.</summary>
    public string LoadFile => Path.Combine(_dir, "load.jsonl");

    public static string FolderOf(string dataset)
    {
        string full = Path.GetFullPath(dataset.TrimEnd('/', '\\'));
        return Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".inventory-work");
    }

    /// <summary>
    /// Splits the list into buckets as "INDEX\tURL" lines, INDEX counting the list's URL lines (blank lines and
    /// comments skipped), and hands every URL to <paramref name="eachUrl"/>. Returns the number of URL lines.
    /// </summary>
    public long SplitList(string listFile, Action<string> eachUrl)
    {
        var writers = OpenAll(ListFile, append: false);
        long index = 0;
        try
        {
            foreach (string raw in File.ReadLines(listFile))
            {
                string url = raw.Trim();
                if (url.Length == 0 || url[0] == '#')
                    continue;
                eachUrl(url);
                var w = writers[BucketOf(url)];
                w.Write(index++);
                w.Write('\t');
                w.Write(url);
                w.Write('\n');
            }
        }
        finally
        {
            CloseAll(writers);
        }
        return index;
    }

    /// <summary>Appends the journal's records from byte <paramref name="from"/> on to their URLs' buckets; torn lines are dropped.</summary>
    public void SplitJournal(string journal, long from)
    {
        if (!File.Exists(journal))
            return;
        var writers = OpenAll(JournalFile, append: true);
        try
        {
            using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(from, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Utf8);
            while (reader.ReadLine() is { } line)
            {
                if (UrlOf(line) is { } url)
                {
                    var w = writers[BucketOf(url)];
                    w.Write(line);
                    w.Write('\n');
                }
            }
        }
        finally
        {
            CloseAll(writers);
        }
    }

    /// <summary>
    /// Writes each bucket's URLs still to ask (distinct, with no final answer in the journal) and returns how many
    /// distinct URLs the list has and how many are to ask.
    /// </summary>
    public (long Distinct, long Todo) PlanRequests(Func<string, bool> answered)
    {
        long distinct = 0, todo = 0;
        for (int b = 0; b < Buckets; b++)
        {
            var latest = ReadJournalBucket(b);
            using var output = new StreamWriter(TodoFile(b), false, Utf8, WriterBuffer);
            foreach (var (_, url) in DistinctUrls(b))
            {
                distinct++;
                if (latest.TryGetValue(url, out string? line) && answered(line))
                    continue;
                output.Write(url);
                output.Write('\n');
                todo++;
            }
        }
        return (distinct, todo);
    }

    /// <summary>The URLs to ask, bucket after bucket, read as they are needed.</summary>
    public IEnumerable<string> Todo()
    {
        for (int b = 0; b < Buckets; b++)
        {
            foreach (string url in File.ReadLines(TodoFile(b)))
                yield return url;
        }
    }

    /// <summary>
    /// Writes <see cref="LoadFile"/>: for every distinct URL of the list with a record in the journal,
    /// <paramref name="tableLine"/> of its latest record, in list order (each bucket in order, then merged by index).
    /// </summary>
    public void WriteLoadFile(Func<string, string, string> tableLine)
    {
        for (int b = 0; b < Buckets; b++)
        {
            var latest = ReadJournalBucket(b);
            using var output = new StreamWriter(TableFile(b), false, Utf8, WriterBuffer);
            foreach (var (index, url) in DistinctUrls(b))
            {
                if (!latest.TryGetValue(url, out string? line))
                    continue;
                output.Write(index);
                output.Write('\t');
                output.Write(tableLine(url, line));
                output.Write('\n');
            }
        }
        MergeByIndex();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, true);
    }

    private void MergeByIndex()
    {
        var readers = new StreamReader[Buckets];
        try
        {
            var heads = new PriorityQueue<(int Bucket, string Line), long>(Buckets);
            for (int b = 0; b < Buckets; b++)
            {
                readers[b] = new StreamReader(TableFile(b), Utf8);
                Advance(readers[b], b, heads);
            }
            using var output = new StreamWriter(LoadFile, false, Utf8, WriterBuffer);
            while (heads.TryDequeue(out var head, out _))
            {
                output.Write(head.Line.AsSpan(head.Line.IndexOf('\t') + 1));
                output.Write('\n');
                Advance(readers[head.Bucket], head.Bucket, heads);
            }
        }
        finally
        {
            foreach (var r in readers)
                r?.Dispose();
        }
    }

    private static void Advance(StreamReader reader, int bucket, PriorityQueue<(int, string), long> heads)
    {
        if (reader.ReadLine() is { } line)
            heads.Enqueue((bucket, line), long.Parse(line.AsSpan(0, line.IndexOf('\t'))));
    }

    /// <summary>A bucket's distinct URLs with the index of their first line, in list order.</summary>
    private IEnumerable<(long Index, string Url)> DistinctUrls(int bucket)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(ListFile(bucket)))
        {
            int tab = line.IndexOf('\t');
            string url = line[(tab + 1)..];
            if (seen.Add(url))
                yield return (long.Parse(line.AsSpan(0, tab)), url);
        }
    }

    /// <summary>A bucket's latest journal record per URL.</summary>
    private Dictionary<string, string> ReadJournalBucket(int bucket)
    {
        var latest = new Dictionary<string, string>(StringComparer.Ordinal);
        string file = JournalFile(bucket);
        if (!File.Exists(file))
            return latest;
        foreach (string line in File.ReadLines(file))
        {
            if (UrlOf(line) is { } url)
                latest[url] = line;
        }
        return latest;
    }

    /// <summary>The URL of a journal record, or null for a line cut short by an interruption (its URL is asked again).</summary>
    private static string? UrlOf(string line)
    {
        if (line.Length == 0)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("url", out var u)
                && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private int BucketOf(string url) => (int)((uint)StringComparer.Ordinal.GetHashCode(url) % (uint)Buckets);

    private StreamWriter[] OpenAll(Func<int, string> file, bool append)
    {
        var writers = new StreamWriter[Buckets];
        try
        {
            for (int b = 0; b < Buckets; b++)
                writers[b] = new StreamWriter(file(b), append, Utf8, WriterBuffer);
        }
        catch
        {
            CloseAll(writers);
            throw;
        }
        return writers;
    }

    private static void CloseAll(StreamWriter[] writers)
    {
        foreach (var w in writers)
            w?.Dispose();
    }

    private string ListFile(int b) => Path.Combine(_dir, $"list.{b}");
    private string JournalFile(int b) => Path.Combine(_dir, $"journal.{b}");
    private string TodoFile(int b) => Path.Combine(_dir, $"todo.{b}");
    private string TableFile(int b) => Path.Combine(_dir, $"table.{b}");
}
