using System.Globalization;
using System.Text.Json;
using Trawl.Formats.WebDataset;

namespace Trawl.Web.Download;

/// <summary>
/// The fields of a sample's .json member and Parquet row, in img2dataset's order: the additional columns, caption, url,
/// key, status, error_message, width, height, original_width, original_height, exif, then the hash column. (img2dataset
/// builds them from its input columns [additional..., caption, url] and appends its own; with hash verification the
/// hash column comes from the input, so in the Parquet it sits before url.) exif and the hash are left out when not
/// asked for, as img2dataset leaves them out.
/// </summary>
public sealed class SampleLayout
{
    private readonly IReadOnlyList<(string Name, MetadataColumnType Type)> _extra;
    private readonly bool _withCaption;
    private readonly bool _withExif;
    private readonly string? _hashName;
    private readonly bool _hashFromInput;
    private readonly Func<SampleRecord, object?>[] _parquet;

    public SampleLayout(IReadOnlyList<(string Name, MetadataColumnType Type)> extra, bool withCaption, bool withExif, SampleHash hash, bool verified)
    {
        _extra = extra;
        _withCaption = withCaption;
        _withExif = withExif;
        _hashName = SampleHashes.ColumnName(hash);
        _hashFromInput = verified && _hashName is not null;
        var columns = new List<(string, MetadataColumnType)>();
        var getters = new List<Func<SampleRecord, object?>>();
        void Column(string name, MetadataColumnType type, Func<SampleRecord, object?> get)
        {
            columns.Add((name, type));
            getters.Add(get);
        }
        for (int i = 0; i < extra.Count; i++)
        {
            int k = i;
            Column(extra[i].Name, extra[i].Type, s => s.Extra?[k]);
        }
        if (withCaption)
            Column("caption", MetadataColumnType.Text, s => s.Caption);
        if (_hashFromInput)
            Column(_hashName!, MetadataColumnType.Text, s => s.Hash);
        Column("url", MetadataColumnType.Text, s => s.Url);
        Column("key", MetadataColumnType.Text, s => s.Key);
        Column("status", MetadataColumnType.Text, s => SampleRecord.StatusName(s.Status));
        Column("error_message", MetadataColumnType.Text, s => s.ErrorMessage);
        Column("width", MetadataColumnType.Int32, s => s.Width);
        Column("height", MetadataColumnType.Int32, s => s.Height);
        Column("original_width", MetadataColumnType.Int32, s => s.OriginalWidth);
        Column("original_height", MetadataColumnType.Int32, s => s.OriginalHeight);
        if (withExif)
            Column("exif", MetadataColumnType.Text, s => s.Exif);
        if (_hashName is not null && !_hashFromInput)
            Column(_hashName, MetadataColumnType.Text, s => s.Hash);
        ParquetColumns = columns;
        _parquet = [.. getters];
    }

    /// <summary>A layout with only url (and caption) and img2dataset's defaults: exif and sha256.</summary>
    public static SampleLayout Default(bool withCaption) => new([], withCaption, true, SampleHash.Sha256, false);

    public IReadOnlyList<(string Name, MetadataColumnType Type)> ParquetColumns { get; }

    /// <summary>Whether samples carry a caption (and so a .txt member).</summary>
    public bool WithCaption => _withCaption;

    public object?[] ParquetRow(SampleRecord s)
    {
        var row = new object?[_parquet.Length];
        for (int i = 0; i < row.Length; i++)
            row[i] = _parquet[i](s);
        return row;
    }

    /// <summary>The .json member, indented by four spaces as img2dataset's json.dumps(indent=4).</summary>
    public byte[] Json(SampleRecord s)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            for (int i = 0; i < _extra.Count; i++)
                Value(w, _extra[i].Name, s.Extra?[i]);
            if (_withCaption)
                w.WriteString("caption", s.Caption);
            w.WriteString("url", s.Url);
            w.WriteString("key", s.Key);
            w.WriteString("status", SampleRecord.StatusName(s.Status));
            w.WriteString("error_message", s.ErrorMessage);
            Value(w, "width", s.Width);
            Value(w, "height", s.Height);
            Value(w, "original_width", s.OriginalWidth);
            Value(w, "original_height", s.OriginalHeight);
            if (_withExif)
                w.WriteString("exif", s.Exif);
            if (_hashName is not null)
                w.WriteString(_hashName, s.Hash);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void Value(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case null: w.WriteNull(name); break;
            case int i: w.WriteNumber(name, i); break;
            case long l: w.WriteNumber(name, l); break;
            case double d when double.IsFinite(d): w.WriteNumber(name, d); break;
            case double d: w.WriteString(name, d.ToString(CultureInfo.InvariantCulture)); break;
            case bool b: w.WriteBoolean(name, b); break;
            case string t: w.WriteString(name, t); break;
            default: w.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}
