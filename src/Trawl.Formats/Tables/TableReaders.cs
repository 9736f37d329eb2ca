using Trawl.Formats.Compression;
using Trawl.Formats.Csv;
using Trawl.Formats.Json;
using Trawl.Formats.Parquet;

namespace Trawl.Formats.Tables;

/// <summary>Opens any file Trawl can read as an <see cref="ITableReader"/>.</summary>
public static class TableReaders
{
    /// <summary>The format names <see cref="Open"/> accepts.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["csv", "tsv", "jsonl", "json", "parquet", "npy", "warc", "tar", "h5"];

    /// <summary>The format of a file from its extension (looking through .gz, .zst, .bz2, .xz), or null when unknown.</summary>
    public static string? DetectFormat(string path)
    {
        string name = CompressionDetector.NameWithoutCompression(path).ToLowerInvariant();
        string ext = System.IO.Path.GetExtension(name).TrimStart('.');
        return ext switch
        {
            "csv" => "csv",
            "tsv" or "tab" => "tsv",
            "jsonl" or "ndjson" => "jsonl",
            "json" => "json",
            "parquet" => "parquet",
            "npy" => "npy",
            "npz" => "npz",
            "warc" or "wet" or "wat" => "warc",
            "tar" => "tar",
            "h5" or "hdf5" => "h5",
            _ => null,
        };
    }

    /// <summary>Opens <paramref name="path"/>; throws <see cref="DataFormatException"/> for unreadable data and
    /// <see cref="FileNotFoundException"/> for a missing file.</summary>
    public static ITableReader Open(string path, TableReaderOptions? options = null)
    {
        options ??= new TableReaderOptions();
        if (options.MaxRecordBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRecordBytes must be positive");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
        string? format = options.Format?.ToLowerInvariant() ?? DetectFormat(path) ?? FormatSniffer.Sniff(path);
        // Every reader applies options.Columns itself (an unknown name lists the columns there are).
        return format switch
        {
            "csv" => CsvReader.OpenCsv(path, options),
            "tsv" => CsvReader.OpenTsv(path, options),
            "jsonl" or "ndjson" => JsonLinesReader.Open(path, options),
            // Many published ".json" files are JSON Lines; read them as such unless a --json-path says otherwise.
            "json" when options.JsonPath is null && JsonLinesSniffer.LooksLikeJsonLines(path) => JsonLinesReader.Open(path, options),
            "json" => JsonDocumentReader.Open(path, options),
            "parquet" => ParquetTableReader.Open(path, options),
            "npy" => NumPy.NpyReader.Open(path, options),
            "warc" => Warc.WarcReader.Open(path, options),
            "tar" => WebDataset.WebDatasetReader.Open(path, options),
            "h5" => Hdf5.Hdf5TableReader.Open(path, options),
            null => throw new DataFormatException(path, "cannot tell the format from the file name; pass --format (" + string.Join(", ", Formats) + ")"),
            _ => throw new DataFormatException(path, $"format '{format}' is not supported (supported: {string.Join(", ", Formats)})"),
        };
    }
}
