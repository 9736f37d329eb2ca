using System.Globalization;
using System.Text.Json;
using Trawl.Formats.WebDataset;

namespace Trawl.Web.Download;

/// <summary>
/// One shard of a download, img2dataset's layout: <c>NNNNN.tar</c> (key.jpg, key.txt, key.json per successful
/// sample), <c>NNNNN.parquet</c> (one row per sample, failures included) and <c>NNNNN_stats.json</c>. The tar and
/// Parquet are written under temporary names and renamed when complete; the stats file comes last, so its presence
/// means the shard is done (what resumption looks for). Thread-safe: samples may be added from many tasks.
/// </summary>
internal sealed class ShardOutput : IDisposable
{
    /// <summary>Distinct error messages kept in the stats' status_dict (img2dataset caps its counter too).</summary>
    private const int MaxStatusEntries = 1000;

    private readonly object _lock = new();
    private readonly string _folder;
    private readonly string _name;
    private readonly string _extension;
    private readonly SampleLayout _layout;
    private readonly FileStream _tarFile;
    private readonly TarShardWriter _tar;
    private readonly FileStream _parquetFile;
    private readonly MetadataParquetWriter _parquet;
    private readonly Dictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private bool _committed;

    public ShardOutput(string folder, int shard, string extension, SampleLayout layout)
    {
        _folder = folder;
        _name = Name(shard);
        _extension = extension;
        _layout = layout;
        DeleteLeftovers(folder, shard);
        _tarFile = new FileStream(TempPath(".tar"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _tar = new TarShardWriter(_tarFile, leaveOpen: true);
        _parquetFile = new FileStream(TempPath(".parquet"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _parquet = new MetadataParquetWriter(_parquetFile, layout.ParquetColumns, leaveOpen: true) { MaxRowsPerGroup = 2_000 };
    }

    public long Count { get; private set; }
    public long Successes { get; private set; }
    public long FailedToDownload { get; private set; }
    public long FailedToResize { get; private set; }

    /// <summary>Shard names: the number zero-padded to five digits (img2dataset's width for up to 100,000 shards).</summary>
    public static string Name(int shard) => shard.ToString("D5", CultureInfo.InvariantCulture);

    public static string StatsPath(string folder, int shard) => Path.Combine(folder, Name(shard) + "_stats.json");

    /// <summary>Whether an earlier run finished this shard.</summary>
    public static bool IsComplete(string folder, int shard) =>
        File.Exists(StatsPath(folder, shard)) && File.Exists(Path.Combine(folder, Name(shard) + ".tar"))
        && File.Exists(Path.Combine(folder, Name(shard) + ".parquet"));

    /// <summary>Removes the temporary files an interrupted run left for this shard.</summary>
    private static void DeleteLeftovers(string folder, int shard)
    {
        foreach (string f in Directory.EnumerateFiles(folder, "." + Name(shard) + "*.tmp"))
            File.Delete(f);
    }

    private string TempPath(string suffix) => Path.Combine(_folder, "." + _name + suffix + ".tmp");

    public void Add(SampleRecord sample, byte[]? image)
    {
        lock (_lock)
        {
            if (sample.Status == SampleStatus.Success && image is not null)
            {
                _tar.Write(sample.Key + "." + _extension, image);
                if (_layout.WithCaption)
                    _tar.Write(sample.Key + ".txt", System.Text.Encoding.UTF8.GetBytes(sample.Caption ?? ""));
                _tar.Write(sample.Key + ".json", _layout.Json(sample));
            }
            _parquet.WriteRow(_layout.ParquetRow(sample));
            Count++;
            switch (sample.Status)
            {
                case SampleStatus.Success: Successes++; break;
                case SampleStatus.FailedToDownload: FailedToDownload++; break;
                default: FailedToResize++; break;
            }
            string status = sample.Status == SampleStatus.Success ? "success" : sample.ErrorMessage ?? SampleRecord.StatusName(sample.Status);
            if (_statuses.ContainsKey(status) || _statuses.Count < MaxStatusEntries)
                _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
        }
    }

    /// <summary>Finishes the files, renames them into place, then writes the stats.</summary>
    public void Commit()
    {
        lock (_lock)
        {
            _tar.Finish();
            _parquet.Close();
            _tarFile.Flush(true);
            _parquetFile.Flush(true);
            _tarFile.Dispose();
            _parquetFile.Dispose();
            File.Move(TempPath(".tar"), Path.Combine(_folder, _name + ".tar"), overwrite: true);
            File.Move(TempPath(".parquet"), Path.Combine(_folder, _name + ".parquet"), overwrite: true);
            var end = DateTimeOffset.UtcNow;
            string stats = TempPath("_stats.json");
            using (var file = File.Create(stats))
            using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteNumber("count", Count);
                w.WriteNumber("successes", Successes);
                w.WriteNumber("failed_to_download", FailedToDownload);
                w.WriteNumber("failed_to_resize", FailedToResize);
                w.WriteNumber("duration", (end - _start).TotalSeconds);
                w.WriteNumber("start_time", _start.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteNumber("end_time", end.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteStartObject("status_dict");
                foreach (var (k, v) in _statuses.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                    w.WriteNumber(k, v);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            File.Move(stats, StatsPath(_folder, ShardNumber), overwrite: true);
            _committed = true;
        }
    }

    private int ShardNumber => int.Parse(_name, CultureInfo.InvariantCulture);

    /// <summary>Without a commit (an error, an interruption) the temporary files are removed: old state or new, nothing between.</summary>
    public void Dispose()
    {
        if (_committed)
            return;
        _tarFile.Dispose();
        _parquetFile.Dispose();
        File.Delete(TempPath(".tar"));
        File.Delete(TempPath(".parquet"));
    }
}
