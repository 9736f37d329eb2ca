using Trawl.Clip.Encoders;

namespace Trawl.Clip.Tests;

/// <summary>A real model folder named by TRAWL_CLIP_MODEL (optional: skipped when unset, also under CI, since no
/// real weights are on the build machines).</summary>
public class UserModelTests
{
    [SkippableFact]
    public void A_real_model_folder_encodes_texts_and_images_into_unit_vectors()
    {
        string? folder = Environment.GetEnvironmentVariable("TRAWL_CLIP_MODEL");
        Skip.If(string.IsNullOrEmpty(folder), "TRAWL_CLIP_MODEL is not set");
        using var encoder = ClipEncoder.Open(folder!);
        if (encoder.CanEncodeText)
        {
            var v = encoder.EncodeTexts(["a photo of a cat", "a photo of a dog", "a diagram of a circuit"]);
            int d = encoder.Dimension;
            Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1.0, Math.Sqrt(v.AsSpan(i * d, d).ToArray().Sum(x => (double)x * x)), 3));
            // A real CLIP puts the two photo captions nearer each other than either to the diagram.
            Assert.True(TinyClip.Cosine(v.AsSpan(0, d), v.AsSpan(d, d)) > TinyClip.Cosine(v.AsSpan(0, d), v.AsSpan(2 * d, d)));
        }
        if (encoder.CanEncodeImages)
        {
            var v = encoder.EncodeImageFiles([TinyClip.Image("photo.jpg")]);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3);
        }
    }
}
