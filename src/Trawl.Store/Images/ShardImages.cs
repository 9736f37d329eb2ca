using System.Globalization;
using Trawl.Formats.Images;
using Trawl.Formats.WebDataset;
using Trawl.Store.Datasets;

namespace Trawl.Store.Images;

/// <summary>
/// Images kept by reference in webdataset shards (the image_shard, image_offset, image_length columns that
/// ingesting a .tar adds): whether a table has them, and one row's image bytes. Only ranges inside a .tar file
/// that hold a real image type are returned, so a doctored row cannot make the server read arbitrary files.
/// </summary>
public static class ShardImages
{
    /// <summary>Images larger than this are not served.</summary>
    public const int MaxImageBytes = 32 << 20;

    /// <summary>Whether rows of <paramref name="table"/> reference images in local shards.</summary>
    public static bool HasLocalImages(TableInfo table) =>
        Has(table, WebDatasetColumns.ImageShard) && Has(table, WebDatasetColumns.ImageOffset) && Has(table, WebDatasetColumns.ImageLength);

    private static bool Has(TableInfo table, string column) =>
        table.Columns.Any(c => c.Name.Equals(column, StringComparison.OrdinalIgnoreCase));

    /// <summary>The row's image; a <see cref="UserErrorException"/> says why there is none (no such row, no local
    /// image, the shard is missing, the range or the bytes are not an image).</summary>
    public static LocalImage Read(Trawl.Store.Contracts.ITableSource dataset, string table, long rowid)
    {
        var info = dataset.GetTable(table);
        if (!HasLocalImages(info))
            throw new UserErrorException($"table '{info.Name}' has no local images (no {WebDatasetColumns.ImageShard}/{WebDatasetColumns.ImageOffset}/{WebDatasetColumns.ImageLength} columns)");
        var row = dataset.GetRow(info.Name, rowid) ?? throw new UserErrorException($"table '{info.Name}' has no row {rowid}");
        var (columns, values) = row;
        object? Get(string name)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (columns[i].Equals(name, StringComparison.OrdinalIgnoreCase))
                    return values[i];
            }
            return null;
        }
        if (Get(WebDatasetColumns.ImageShard) is not string shard || Get(WebDatasetColumns.ImageOffset) is not long offset
            || Get(WebDatasetColumns.ImageLength) is not long length)
            throw new UserErrorException($"row {rowid} of '{info.Name}' has no local image");
        return ReadRange(shard, offset, length, $"row {rowid}");
    }

    /// <summary>The image at <paramref name="offset"/> (<paramref name="length"/> bytes) of a shard, as a row's
    /// image_shard/image_offset/image_length columns give it; <paramref name="where"/> names the row in errors.</summary>
    public static LocalImage ReadRange(string shard, long offset, long length, string where)
    {
        byte[] bytes;
        using (var handle = Open(shard, where))
            bytes = ReadRange(handle, shard, offset, length, where);
        var format = ImageSniffer.Detect(bytes);
        var file = new FileInfo(shard);
        // The shard's identity and the range: a changed shard (re-download) gets a new validator.
        string etag = "\"" + string.Join("-", file.LastWriteTimeUtc.Ticks.ToString("x", CultureInfo.InvariantCulture),
            file.Length.ToString("x", CultureInfo.InvariantCulture), offset.ToString("x", CultureInfo.InvariantCulture),
            length.ToString("x", CultureInfo.InvariantCulture)) + "\"";
        return new LocalImage(bytes, format, etag);
    }

    /// <summary>Opens a shard for <see cref="ReadRange(Microsoft.Win32.SafeHandles.SafeFileHandle, string, long, long, string)"/>; a path that is not a full .tar path, or a missing shard, is a <see cref="UserErrorException"/>.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle Open(string shard, string where)
    {
        if (!shard.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || !Path.IsPathFullyQualified(shard))
            throw new UserErrorException($"{where}: '{shard}' is not the full path of a .tar shard");
        if (!File.Exists(shard))
            throw new UserErrorException($"{where}: shard {shard} is missing");
        return File.OpenHandle(shard, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>The bytes of one image in an open shard, checked: a range outside the file or over <see cref="MaxImageBytes"/>,
    /// or bytes that are not an image, are a <see cref="UserErrorException"/> naming <paramref name="where"/> (the row) and the shard.</summary>
    public static byte[] ReadRange(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string shard, long offset, long length, string where)
    {
        if (length <= 0 || length > MaxImageBytes || offset < 0)
            throw new UserErrorException($"{where}: image range (offset {offset}, length {length}) is not valid");
        long fileLength = RandomAccess.GetLength(handle);
        if (offset + length > fileLength)
            throw new UserErrorException($"{where}: image range runs past the end of {shard} ({fileLength} bytes)");
        var bytes = new byte[length];
        if (RandomAccess.Read(handle, bytes, offset) != length)
            throw new UserErrorException($"{where}: could not read the image from {shard}");
        if (ImageSniffer.Detect(bytes) == ImageFormat.Unknown)
            throw new UserErrorException($"{where}: the bytes at offset {offset} of {shard} are not an image");
        return bytes;
    }
}
