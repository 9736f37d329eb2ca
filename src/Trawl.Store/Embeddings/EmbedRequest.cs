using Trawl.Vectors;

namespace Trawl.Store.Embeddings;

/// <summary>What <see cref="DatasetEmbedder"/> computes: a vector set for every row of a table from one column.</summary>
public sealed record EmbedRequest
{
    /// <summary>The dataset folder (a local dataset: the vector set is written beside its meta.db).</summary>
    public required string DatasetPath { get; init; }

    /// <summary>The table; null for the dataset's only table.</summary>
    public string? Table { get; init; }

    /// <summary>The column read: texts, or image file paths, or <see cref="Trawl.Formats.WebDataset.WebDatasetColumns.ImageShard"/> for images kept in shards.</summary>
    public required string Column { get; init; }

    public required EmbedInput Input { get; init; }

    /// <summary>The vector set written (letters, digits, '_' and '-').</summary>
    public required string VectorSet { get; init; }

    public VectorElementType ElementType { get; init; } = VectorElementType.Float16;

    /// <summary>Rows encoded together (and made durable together: an interrupted run loses at most one batch).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Folder relative image paths are resolved against; null for the current directory.</summary>
    public string? ImageRoot { get; init; }

    /// <summary>Largest image file read; larger ones are counted as failed.</summary>
    public long MaxImageBytes { get; init; } = 64L << 20;

    /// <summary>Discards work an earlier run left (otherwise it is resumed) and replaces an existing set of that name.</summary>
    public bool Restart { get; init; }

    public const int MaxBatchSize = 4096;
}
