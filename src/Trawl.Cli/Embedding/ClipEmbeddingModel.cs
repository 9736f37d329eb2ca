using System.Globalization;
using Trawl.Clip.Encoders;
using Trawl.Clip.Images;
using Trawl.Formats.Tables;
using Trawl.Store.Embeddings;

namespace Trawl.Cli.Embedding;

/// <summary>A <see cref="ClipEncoder"/> as the Store's <see cref="IEmbeddingModel"/> (the Store does not depend on Trawl.Clip).
/// Images are decoded in parallel within the encoder's image limits; one that cannot be decoded is reported, not thrown.</summary>
internal sealed class ClipEmbeddingModel(ClipEncoder encoder) : IEmbeddingModel
{
    public int Dimension => encoder.Dimension;

    public string Identity
    {
        get
        {
            var files = encoder.Files;
            var parts = new[] { files.TextModel, files.VisionModel, files.CombinedModel }
                .Where(f => f is not null)
                .Select(f => new FileInfo(f!))
                .Select(f => $"{f.Name}:{f.Length.ToString(CultureInfo.InvariantCulture)}:{f.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}");
            return Path.GetFullPath(files.Folder) + " (" + string.Join(", ", parts) + ")";
        }
    }

    public void EncodeTexts(IReadOnlyList<string> texts, Span<float> output, CancellationToken cancel) =>
        encoder.EncodeTexts(texts, cancel).CopyTo(output);

    public void EncodeImages(IReadOnlyList<EncodedImage> images, Span<float> output, string?[] errors, CancellationToken cancel)
    {
        var decoded = new RgbImage?[images.Count];
        var limits = encoder.Options.ImageLimits;
        Parallel.For(0, images.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var image = images[i];
            try
            {
                decoded[i] = ClipImageDecoder.Decode(image.Bytes, image.Name, limits, image.FileName is null ? null : ClipImageDecoder.FormatFromName(image.FileName));
            }
            catch (DataFormatException e)
            {
                errors[i] = e.Message;
            }
        });
        var ok = Enumerable.Range(0, images.Count).Where(i => decoded[i] is not null).ToList();
        if (ok.Count == 0)
            return;
        var vectors = encoder.EncodeImages(ok.Select(i => decoded[i]!).ToList(), cancel);
        int d = Dimension;
        for (int k = 0; k < ok.Count; k++)
            vectors.AsSpan(k * d, d).CopyTo(output.Slice(ok[k] * d, d));
    }
}
