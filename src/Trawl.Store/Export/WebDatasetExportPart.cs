using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Tables;
using Trawl.Formats.Images;
using Trawl.Formats.WebDataset;
using Trawl.Store.Datasets;
using Trawl.Store.Images;

namespace Trawl.Store.Export;

/// <summary>
/// A webdataset tar shard: per row KEY.json (every column) and KEY.txt (the caption, when the table has a
/// caption column), KEY being the zero-padded rowid, so a webdataset loader groups them into one sample; and
/// KEY.jpg (.png, .webp, ...) with the image's bytes when the table keeps images in local shards (ingested from
/// webdataset .tar files: image_shard, image_offset, image_length). A row without an image gets no image member;
/// a missing shard or a range that is not an image is an error naming the row.
/// </summary>
internal sealed class WebDatasetExportPart : ExportPart
{
    private readonly string _path;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly object?[] _values;
    private readonly int _caption;
    private readonly FileStream _stream;
    private readonly TarWriter _tar;
    private readonly MemoryStream _json = new();
    private readonly (int Shard, int Offset, int Length)? _image;
    private string? _openShard;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _shardHandle;

    public WebDatasetExportPart(string path, IReadOnlyList<ExportColumn> columns)
    {
        _path = path;
        _columns = columns;
        _values = new object?[columns.Count + 1];
        _caption = columns.ToList().FindIndex(c => c.Role == ColumnRole.Caption);
        int Find(string name) => columns.ToList().FindIndex(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        int shard = Find(WebDatasetColumns.ImageShard), offset = Find(WebDatasetColumns.ImageOffset), length = Find(WebDatasetColumns.ImageLength);
        if (shard >= 0 && offset >= 0 && length >= 0) _image = (shard, offset, length);
        _stream = new FileStream(ExportFolder.Partial(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _tar = new TarWriter(_stream, TarEntryFormat.Ustar, leaveOpen: true);
    }

    public override IReadOnlyList<string> FinalPaths => [_path];

    public override void Write(ColumnBatch batch, int row)
    {
        WriteValues(Values(batch, row, _values));
    }

    private void WriteValues(object?[] row)
    {
        string key = ((long)row[0]!).ToString("D9", CultureInfo.InvariantCulture);
        _json.SetLength(0);
        using (var w = new Utf8JsonWriter(_json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            for (int c = 0; c < _columns.Count; c++)
            {
                string name = _columns[c].Name;
                switch (row[c + 1])
                {
                    case null: w.WriteNull(name); break;
                    case long l: w.WriteNumber(name, l); break;
                    case double d when double.IsFinite(d): w.WriteNumber(name, d); break;
                    case byte[] b: w.WriteBase64String(name, b); break;
                    case var v: w.WriteString(name, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
                }
            }
            w.WriteEndObject();
        }
        Add(key + ".json", _json.ToArray());
        if (_caption >= 0 && row[_caption + 1] is { } caption)
            Add(key + ".txt", Encoding.UTF8.GetBytes(Convert.ToString(caption, CultureInfo.InvariantCulture)!));
        if (_image is var (si, oi, li) && row[si + 1] is string shard && row[oi + 1] is long offset && row[li + 1] is long length)
        {
            long rowid = (long)row[0]!;
            if (_openShard != shard)
            {
                _shardHandle?.Dispose();
                _shardHandle = null;
                _shardHandle = ShardImages.Open(shard, $"row {rowid}");
                _openShard = shard;
            }
            byte[] image = ShardImages.ReadRange(_shardHandle!, shard, offset, length, $"row {rowid}");
            Add(key + "." + Extension(ImageSniffer.Detect(image)), image);
        }
    }

    private static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpg",
        ImageFormat.Png => "png",
        ImageFormat.Gif => "gif",
        ImageFormat.WebP => "webp",
        ImageFormat.Bmp => "bmp",
        ImageFormat.Avif => "avif",
        _ => "bin",
    };

    private void Add(string name, byte[] data)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(data, writable: false),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
        };
        _tar.WriteEntry(entry);
    }

    public override void Complete()
    {
        _tar.Dispose();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    public override void Dispose()
    {
        _shardHandle?.Dispose();
        _tar.Dispose();
        _stream.Dispose();
        _json.Dispose();
    }
}
