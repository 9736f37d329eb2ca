using System.Text.Json;

namespace Trawl.Web.Download;

/// <summary>One sample's metadata, as img2dataset writes it to the .json member and the shard's Parquet.</summary>
public sealed record SampleRecord(
    string? Url, string? Caption, string Key, SampleStatus Status, string? ErrorMessage,
    int? Width, int? Height, int? OriginalWidth, int? OriginalHeight, string? Exif, string? Sha256)
{
    public static string StatusName(SampleStatus status) => status switch
    {
        SampleStatus.Success => "success",
        SampleStatus.FailedToDownload => "failed_to_download",
        _ => "failed_to_resize",
    };

    /// <summary>The .json member (indented by four spaces, as img2dataset's json.dumps(indent=4)).</summary>
    public byte[] ToJson(bool withCaption)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("url", Url);
            if (withCaption)
                w.WriteString("caption", Caption);
            w.WriteString("key", Key);
            w.WriteString("status", StatusName(Status));
            w.WriteString("error_message", ErrorMessage);
            Number(w, "width", Width);
            Number(w, "height", Height);
            Number(w, "original_width", OriginalWidth);
            Number(w, "original_height", OriginalHeight);
            w.WriteString("exif", Exif);
            w.WriteString("sha256", Sha256);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>The Parquet row, in <see cref="ShardOutput"/>'s column order.</summary>
    public object?[] ToParquetRow(bool withCaption) => withCaption
        ? [Url, Caption, Key, StatusName(Status), ErrorMessage, Width, Height, OriginalWidth, OriginalHeight, Exif, Sha256]
        : [Url, Key, StatusName(Status), ErrorMessage, Width, Height, OriginalWidth, OriginalHeight, Exif, Sha256];

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
