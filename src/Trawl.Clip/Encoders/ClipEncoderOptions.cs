using Trawl.Clip.Images;

namespace Trawl.Clip.Encoders;

/// <summary>How a <see cref="ClipEncoder"/> runs.</summary>
public sealed class ClipEncoderOptions
{
    /// <summary>Threads ONNX Runtime uses inside one model run (0: one per core).</summary>
    public int Threads { get; init; }

    /// <summary>Texts or images per model run.</summary>
    public int BatchSize { get; init; } = 32;

    public ImageLimits ImageLimits { get; init; } = ImageLimits.Default;
}
