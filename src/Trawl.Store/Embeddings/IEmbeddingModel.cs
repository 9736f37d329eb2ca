namespace Trawl.Store.Embeddings;

/// <summary>
/// The model <see cref="DatasetEmbedder"/> runs (a CLIP encoder, adapted by the caller: the Store does not depend on
/// Trawl.Clip). Outputs are written row-major into the caller's buffer, one row of <see cref="Dimension"/> per input.
/// </summary>
public interface IEmbeddingModel
{
    int Dimension { get; }

    /// <summary>Names the model and its files' sizes and dates, so work left by an earlier run is resumed only with the same model.</summary>
    string Identity { get; }

    void EncodeTexts(IReadOnlyList<string> texts, Span<float> output, CancellationToken cancel);

    /// <summary>Decodes and encodes images. An image that cannot be decoded (truncated, unsupported, too many pixels)
    /// gets the reason in <paramref name="errors"/> at its index and leaves its output row as it is; others get null.</summary>
    void EncodeImages(IReadOnlyList<EncodedImage> images, Span<float> output, string?[] errors, CancellationToken cancel);
}
