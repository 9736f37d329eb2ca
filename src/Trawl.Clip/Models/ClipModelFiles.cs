using Trawl.Formats.Tables;

namespace Trawl.Clip.Models;

/// <summary>The files of a CLIP model folder: the Hugging Face ONNX export (text_model.onnx and vision_model.onnx, or
/// one model.onnx; also under onnx/), or an open_clip export split into textual and visual parts (textual.onnx /
/// visual.onnx, or textual/model.onnx / visual/model.onnx), with the tokenizer and preprocessor files beside them.</summary>
public sealed class ClipModelFiles
{
    private static readonly string[] TextNames = ["text_model.onnx", "onnx/text_model.onnx", "textual.onnx", "textual/model.onnx"];
    private static readonly string[] VisionNames = ["vision_model.onnx", "onnx/vision_model.onnx", "visual.onnx", "visual/model.onnx"];
    private static readonly string[] CombinedNames = ["model.onnx", "onnx/model.onnx"];

    private ClipModelFiles(string folder, string? text, string? vision, string? combined, string? tokenizerFolder, string preprocessorFolder)
    {
        Folder = folder;
        TextModel = text;
        VisionModel = vision;
        CombinedModel = combined;
        TokenizerFolder = tokenizerFolder;
        PreprocessorFolder = preprocessorFolder;
    }

    public string Folder { get; }
    public string? TextModel { get; }
    public string? VisionModel { get; }
    /// <summary>One model with both towers (input_ids and pixel_values in, text_embeds and image_embeds out).</summary>
    public string? CombinedModel { get; }
    public string? TokenizerFolder { get; }
    public string PreprocessorFolder { get; }

    public static ClipModelFiles Find(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DataFormatException(folder, "no such model folder (a CLIP model folder holds text_model.onnx, vision_model.onnx, the tokenizer files and preprocessor_config.json)");
        string? First(string[] names) => names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        string? text = First(TextNames), vision = First(VisionNames);
        string? combined = text is null || vision is null ? First(CombinedNames) : null;
        if (text is null && vision is null && combined is null)
            throw new DataFormatException(folder, "no ONNX model: expected text_model.onnx and/or vision_model.onnx (Hugging Face's export), model.onnx, or textual.onnx / visual.onnx");
        string[] candidates = [folder, Path.Combine(folder, "onnx"), Path.Combine(folder, "textual")];
        string? tokenizerFolder = candidates.FirstOrDefault(d => new[] { "tokenizer.json", "vocab.json", "merges.txt", "bpe_simple_vocab_16e6.txt.gz", "bpe_simple_vocab_16e6.txt" }
            .Any(n => File.Exists(Path.Combine(d, n))));
        string preprocessor = new[] { folder, Path.Combine(folder, "onnx"), Path.Combine(folder, "visual") }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "preprocessor_config.json"))) ?? folder;
        return new ClipModelFiles(folder, text, vision, combined, tokenizerFolder, preprocessor);
    }
}
