using System.Text;
using System.Text.Json;
using Trawl.Formats.Images;
using Trawl.Formats.Tables;

namespace Trawl.Formats.WebDataset;

/// <summary>
/// Reads a webdataset tar shard (img2dataset's output, LAION's releases) as rows: one row per sample (the members
/// sharing a key, e.g. 000000012.jpg, .txt, .json), with the sample's key, the top-level fields of its .json, its
/// .txt, and a reference to its image (<see cref="WebDatasetColumns"/>). The columns are the JSON fields seen in the
/// first <see cref="SchemaSamples"/> samples; fields that first appear later are not read. Image bytes are never read.
/// Refused members (links, path tricks), members that are not valid JSON and the tail of a damaged or truncated
/// shard are left out and reported through <see cref="ISkippedRecords"/>: one bad shard never stops an ingest.
/// </summary>
public sealed class WebDatasetReader : ITableReader, ISkippedRecords
{
    /// <summary>Messages about unreadable .json/.txt members kept (the count goes on).</summary>
    private const int MaxMemberMessages = 100;

    /// <summary>Samples read ahead to learn the JSON fields.</summary>
    public const int SchemaSamples = 256;

    private readonly TarShardReader _tar;
    private readonly string _fullPath;
    private readonly int _maxRecord;
    private readonly string[] _jsonFields;
    private readonly Dictionary<string, int> _jsonIndex;
    private readonly int[] _projection;     // output column → full-row index
    private readonly int _fullWidth;
    private TarEntry? _pending;
    private long _rows;
    private readonly List<string> _memberSkips = [];
    private long _memberSkipCount;
    private readonly object?[] _row;

    private WebDatasetReader(string path, TarShardReader tar, string[] jsonFields, bool hasText, TableReaderOptions options)
    {
        Path = path;
        _tar = tar;
        _fullPath = System.IO.Path.GetFullPath(path);
        _maxRecord = options.MaxRecordBytes;
        _jsonFields = jsonFields;
        _jsonIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var columns = new List<ColumnSchema> { new(WebDatasetColumns.Key, ColumnType.Text, "webdataset sample key") };
        for (int i = 0; i < jsonFields.Length; i++)
        {
            _jsonIndex[jsonFields[i]] = columns.Count;
            columns.Add(new ColumnSchema(jsonFields[i], ColumnType.Any, "from the sample's .json"));
        }
        TextColumn = hasText ? columns.Count : -1;
        if (hasText)
            columns.Add(new ColumnSchema(WebDatasetColumns.Text, ColumnType.Text, "the sample's .txt"));
        ImageColumn = columns.Count;
        columns.Add(new ColumnSchema(WebDatasetColumns.ImageShard, ColumnType.Text, "the shard holding the image"));
        columns.Add(new ColumnSchema(WebDatasetColumns.ImageOffset, ColumnType.Int64, "byte offset of the image in the shard"));
        columns.Add(new ColumnSchema(WebDatasetColumns.ImageLength, ColumnType.Int64, "length of the image in bytes"));
        columns.Add(new ColumnSchema(WebDatasetColumns.ImageFormat, ColumnType.Text, "the image member's extension"));
        _fullWidth = columns.Count;
        _row = new object?[_fullWidth];
        if (options.Columns is { Count: > 0 } wanted)
        {
            var all = new TableSchema(columns);
            _projection = wanted.Select(w => all.IndexOf(w) is var i and >= 0 ? i
                : throw new DataFormatException(path, $"no column '{w}' (columns: {string.Join(", ", columns.Select(c => c.Name))})")).ToArray();
            Schema = new TableSchema(_projection.Select(i => columns[i]));
        }
        else
        {
            _projection = Enumerable.Range(0, columns.Count).ToArray();
            Schema = new TableSchema(columns);
        }
    }

    private int TextColumn { get; }
    private int ImageColumn { get; }

    public string Path { get; }
    public TableSchema Schema { get; }
    public long? RowCount => null;
    public long BytesRead => _tar.Position;
    public long BytesTotal => _tar.Length;

    public long SkippedRecords => _tar.RefusedCount + _memberSkipCount;

    public IReadOnlyList<string> SkipMessages => [.. _tar.Refusals.Select(e => e.Message), .. _memberSkips];

    public static WebDatasetReader Open(string path, TableReaderOptions options)
    {
        var (fields, hasText) = LearnFields(path, options.MaxRecordBytes);
        var tar = TarShardReader.Open(path, skipRefused: true);
        try
        {
            return new WebDatasetReader(path, tar, fields, hasText, options);
        }
        catch
        {
            tar.Dispose();
            throw;
        }
    }

    private static (string[] Fields, bool HasText) LearnFields(string path, int maxRecord)
    {
        using var tar = TarShardReader.Open(path, skipRefused: true);
        var fields = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool hasText = false;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (keys.Count <= SchemaSamples && tar.TryReadNext(out var e))
        {
            var (key, ext) = Split(e.Name);
            keys.Add(key);
            if (ext.Equals("txt", StringComparison.OrdinalIgnoreCase))
                hasText = true;
            else if (ext.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                using var doc = TryParseJson(tar, e, path, maxRecord, out _);
                if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object)
                    continue;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Name is WebDatasetColumns.Key or WebDatasetColumns.Text or WebDatasetColumns.ImageShard or WebDatasetColumns.ImageOffset
                        or WebDatasetColumns.ImageLength or WebDatasetColumns.ImageFormat)
                        continue;
                    if (seen.Add(p.Name) && !fields.Any(f => f.Equals(p.Name, StringComparison.OrdinalIgnoreCase)))
                        fields.Add(p.Name);
                }
            }
        }
        return (fields.ToArray(), hasText);
    }

    /// <summary>webdataset's rule: the key is the member name up to the first dot of its last path part.</summary>
    internal static (string Key, string Extension) Split(string name)
    {
        int slash = name.LastIndexOf('/');
        int dot = name.IndexOf('.', slash + 1);
        return dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
    }

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        batch.Clear();
        batch.FirstRow = _rows;
        while (batch.RowCount < maxRows && ReadSample())
        {
            for (int c = 0; c < _projection.Length; c++)
                Append(batch.Columns[c], _row[_projection[c]]);
            batch.RowCount++;
            _rows++;
        }
        return batch.RowCount > 0;
    }

    private bool ReadSample()
    {
        TarEntry first;
        if (_pending is { } p)
        {
            first = p;
            _pending = null;
        }
        else if (!_tar.TryReadNext(out first))
        {
            return false;
        }
        Array.Clear(_row);
        string key = Split(first.Name).Key;
        _row[0] = key;
        var entry = first;
        while (true)
        {
            Take(entry);
            if (!_tar.TryReadNext(out var next))
                break;
            if (Split(next.Name).Key != key)
            {
                _pending = next;
                break;
            }
            entry = next;
        }
        return true;
    }

    private void Take(TarEntry e)
    {
        string ext = Split(e.Name).Extension;
        if (ext.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            using var doc = TryParseJson(_tar, e, Path, _maxRecord, out string? problem);
            if (doc is not null && doc.RootElement.ValueKind != JsonValueKind.Object)
                problem = new DataFormatException(Path, $"member '{e.Name}' is not a JSON object; left out", byteOffset: e.DataOffset, row: _rows).Message;
            if (doc is null || problem is not null)
            {
                Skip(problem ?? e.Name);
                return;
            }
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (_jsonIndex.TryGetValue(prop.Name, out int col))
                    _row[col] = Value(prop.Value);
            }
        }
        else if (TextColumn >= 0 && ext.Equals("txt", StringComparison.OrdinalIgnoreCase))
        {
            if (e.Length > _maxRecord)
                Skip(new DataFormatException(Path, $"member '{e.Name}' is {e.Length} bytes, more than the record limit of {_maxRecord}; left out", byteOffset: e.HeaderOffset).Message);
            else
                _row[TextColumn] = Encoding.UTF8.GetString(ReadMember(_tar, e, Path, _maxRecord));
        }
        else if (ImageSniffer.IsImageExtension(ext) && _row[ImageColumn] is null)
        {
            _row[ImageColumn] = _fullPath;
            _row[ImageColumn + 1] = e.DataOffset;
            _row[ImageColumn + 2] = e.Length;
            _row[ImageColumn + 3] = ext.ToLowerInvariant();
        }
    }

    private void Skip(string message)
    {
        _memberSkipCount++;
        if (_memberSkips.Count < MaxMemberMessages)
            _memberSkips.Add(message);
    }

    private static object? Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number when v.TryGetInt64(out long l) => l,
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object or JsonValueKind.Array => new JsonText(v.GetRawText()),
        _ => null,
    };

    private static void Append(ColumnValues column, object? value)
    {
        switch (value)
        {
            case null: column.AppendNull(); break;
            case string s: column.AppendText(s); break;
            case long l: column.AppendInt64(l); break;
            case double d: column.AppendDouble(d); break;
            case bool b: column.AppendBoolean(b); break;
            case JsonText j: column.AppendJson(Encoding.UTF8.GetBytes(j.Raw)); break;
        }
    }

    private static byte[] ReadMember(TarShardReader tar, TarEntry e, string path, int max)
    {
        if (e.Length > max)
            throw new DataFormatException(path, $"member '{e.Name}' is {e.Length} bytes, more than the record limit of {max}", byteOffset: e.HeaderOffset);
        var bytes = new byte[e.Length];
        tar.ReadAt(e.DataOffset, bytes);
        return bytes;
    }

    /// <summary>The member's JSON, or null with the reason (too large, not valid JSON) naming the shard, member and offset.</summary>
    private static JsonDocument? TryParseJson(TarShardReader tar, TarEntry e, string path, int max, out string? problem)
    {
        problem = null;
        if (e.Length > max)
        {
            problem = new DataFormatException(path, $"member '{e.Name}' is {e.Length} bytes, more than the record limit of {max}; left out", byteOffset: e.HeaderOffset).Message;
            return null;
        }
        byte[] bytes = ReadMember(tar, e, path, max);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            problem = new DataFormatException(path, $"member '{e.Name}' is not valid JSON ({ex.Message}); left out", byteOffset: e.DataOffset + (ex.BytePositionInLine ?? 0)).Message;
            return null;
        }
    }

    private sealed record JsonText(string Raw);

    public void Dispose() => _tar.Dispose();
}
