using System.CommandLine;
using Trawl.Clip.Encoders;
using Trawl.Store;

namespace Trawl.Cli.Commands;

/// <summary>The CLIP model options shared by encode, knn and serve.</summary>
internal static class ClipOptions
{
    public static Option<string?> Model() => new("--model")
    {
        Description = "A CLIP model folder exported to ONNX (text_model.onnx, vision_model.onnx, tokenizer and preprocessor files; see docs/clip.md).",
        HelpName = "DIR",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the model (default: one per core).",
        DefaultValueFactory = _ => 0,
        HelpName = "N",
    };

    public static ClipEncoder Open(string? folder, int threads = 0, int batch = 32) =>
        ClipEncoder.Open(folder ?? throw new UserErrorException("this needs a CLIP model: give --model DIR"),
            new ClipEncoderOptions { Threads = Math.Max(0, threads), BatchSize = Math.Max(1, batch) });
}
