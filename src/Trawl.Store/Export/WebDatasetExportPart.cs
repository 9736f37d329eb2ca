using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Store.Datasets;

namespace Trawl.Store.Export;

/// <summary>
/// A webdataset tar shard: per row KEY.json (every column) and KEY.txt (the caption, when the table has a
/// caption column), KEY being the zero-padded rowid, so a webdataset loader groups them into one sample.
/// Images are not included: the dataset keeps image URLs, not image bytes.
/// </summary>
internal sealed class WebDatasetExportPart : ExportPart
{
    private readonly string _path;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly int _caption;
    private readonly FileStream _stream;
    private readonly TarWriter _tar;
    private readonly MemoryStream _json = new();

    public WebDatasetExportPart(string path, IReadOnlyList<ExportColumn> columns)
    {
        _path = path;
        _columns = columns;
        _caption = columns.ToList().FindIndex(c => c.Role == ColumnRole.Caption);
        _stream = new FileStream(ExportFolder.Partial(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _tar = new TarWriter(_stream, TarEntryFormat.Ustar, leaveOpen: true);
    }

    public override IReadOnlyList<string> FinalPaths => [_path];

    public override void Write(object?[] row)
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
    }

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
        _tar.Dispose();
        _stream.Dispose();
        _json.Dispose();
    }
}
