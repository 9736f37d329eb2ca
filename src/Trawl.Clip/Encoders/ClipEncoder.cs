using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trawl.Clip.Images;
using Trawl.Clip.Models;
using Trawl.Clip.Tokenizer;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Encoders;

/// <summary>CLIP's text and image encoders run by ONNX Runtime over a model folder (see <see cref="ClipModelFiles"/>).
/// Inputs go through in batches; every output row is L2-normalised. Thread-safe: runs may overlap.</summary>
public sealed class ClipEncoder : IDisposable
{
    private readonly OnnxTower? _text;
    private readonly OnnxTower? _vision;
    private readonly bool _combined;
    private readonly string? _textOutput, _imageOutput;
    private readonly bool _textHasMask;
    private readonly ClipEncoderOptions _options;

    private ClipEncoder(ClipModelFiles files, ClipEncoderOptions options)
    {
        _options = options;
        Files = files;
        Preprocessor = ClipImagePreprocessor.Open(files.PreprocessorFolder);
        try
        {
            if (files.CombinedModel is not null)
            {
                _combined = true;
                _text = _vision = OnnxTower.Open(files.CombinedModel, options.Threads);
            }
            else
            {
                if (files.TextModel is not null) _text = OnnxTower.Open(files.TextModel, options.Threads);
                if (files.VisionModel is not null) _vision = OnnxTower.Open(files.VisionModel, options.Threads);
            }
            int context = ClipTokenizer.DefaultContextLength;
            if (_text is not null)
            {
                var ids = _text.Input("input_ids")
                    ?? throw new DataFormatException(_text.Path, $"expected an int64 input 'input_ids' [batch, 77]; the model's inputs are {OnnxTower.DescribeAll(_text.Session.InputMetadata)}");
                if (ids.ElementDataType != TensorElementType.Int64 || ids.Dimensions.Length != 2)
                    throw new DataFormatException(_text.Path, $"input 'input_ids' must be int64 [batch, 77], not {OnnxTower.Describe(ids)}");
                if (ids.Dimensions[1] > 0) context = ids.Dimensions[1];
                _textHasMask = _text.Input("attention_mask") is not null;
                _textOutput = _text.EmbeddingOutput("text_embeds");
                if (files.TokenizerFolder is null)
                    throw new DataFormatException(files.Folder, "the text model needs a tokenizer: tokenizer.json, vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz");
                Tokenizer = ClipTokenizer.Open(files.TokenizerFolder, context);
            }
            if (_vision is not null)
            {
                var px = _vision.Input("pixel_values")
                    ?? throw new DataFormatException(_vision.Path, $"expected a float input 'pixel_values' [batch, 3, {Preprocessor.CropSize}, {Preprocessor.CropSize}]; the model's inputs are {OnnxTower.DescribeAll(_vision.Session.InputMetadata)}");
                var d = px.Dimensions;
                if (px.ElementDataType != TensorElementType.Float || d.Length != 4 || (d[1] > 0 && d[1] != 3)
                    || (d[2] > 0 && d[2] != Preprocessor.CropSize) || (d[3] > 0 && d[3] != Preprocessor.CropSize))
                    throw new DataFormatException(_vision.Path, $"input 'pixel_values' must be float [batch, 3, {Preprocessor.CropSize}, {Preprocessor.CropSize}] (preprocessor_config.json's crop size), not {OnnxTower.Describe(px)}");
                _imageOutput = _vision.EmbeddingOutput("image_embeds");
            }
            Dimension = ProbeDimension();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ClipModelFiles Files { get; }
    public ClipEncoderOptions Options => _options;
    public ClipTokenizer? Tokenizer { get; }
    public ClipImagePreprocessor Preprocessor { get; }
    public bool CanEncodeText => _text is not null;
    public bool CanEncodeImages => _vision is not null;
    /// <summary>Length of the embedding vectors.</summary>
    public int Dimension { get; }

    public static ClipEncoder Open(string folder, ClipEncoderOptions? options = null) =>
        new(ClipModelFiles.Find(folder), options ?? new ClipEncoderOptions());

    /// <summary>Embeddings of texts, row-major [texts.Count × Dimension].</summary>
    public float[] EncodeTexts(IReadOnlyList<string> texts, CancellationToken cancel = default)
    {
        if (_text is null) throw new DataFormatException(Files.Folder, "this model folder has no text model (text_model.onnx)");
        var output = new float[(long)texts.Count * Dimension];
        int context = Tokenizer!.ContextLength;
        for (int start = 0; start < texts.Count; start += _options.BatchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(_options.BatchSize, texts.Count - start);
            var ids = new long[n * context];
            var mask = _textHasMask ? new long[n * context] : null;
            Parallel.For(0, n, i =>
            {
                int eot = Tokenizer.Tokenize(texts[start + i], ids.AsSpan(i * context, context));
                if (mask is not null) mask.AsSpan(i * context, eot + 1).Fill(1);
            });
            var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, [n, context]) };
            if (mask is not null) inputs["attention_mask"] = OrtValue.CreateTensorValueFromMemory(mask, [n, context]);
            if (_combined) inputs["pixel_values"] = ZeroPixels(1);
            Run(_text, inputs, _textOutput!, n, output.AsSpan((int)((long)start * Dimension), n * Dimension));
        }
        return output;
    }

    /// <summary>Embeddings of decoded images, row-major [images.Count × Dimension].</summary>
    public float[] EncodeImages(IReadOnlyList<RgbImage> images, CancellationToken cancel = default)
    {
        if (_vision is null) throw new DataFormatException(Files.Folder, "this model folder has no vision model (vision_model.onnx)");
        var output = new float[(long)images.Count * Dimension];
        int s = Preprocessor.CropSize, plane = 3 * s * s;
        for (int start = 0; start < images.Count; start += _options.BatchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(_options.BatchSize, images.Count - start);
            var pixels = new float[n * plane];
            Parallel.For(0, n, i => Preprocessor.Normalize(Preprocessor.ResizeAndCrop(images[start + i]), pixels.AsSpan(i * plane, plane)));
            var inputs = new Dictionary<string, OrtValue> { ["pixel_values"] = OrtValue.CreateTensorValueFromMemory(pixels, [n, 3, s, s]) };
            if (_combined) AddDummyText(inputs);
            Run(_vision, inputs, _imageOutput!, n, output.AsSpan((int)((long)start * Dimension), n * Dimension));
        }
        return output;
    }

    /// <summary>Embeddings of image files (decoded in parallel, within the options' image limits).</summary>
    public float[] EncodeImageFiles(IReadOnlyList<string> paths, CancellationToken cancel = default)
    {
        var images = new RgbImage[paths.Count];
        Parallel.For(0, paths.Count, i => images[i] = ClipImageDecoder.DecodeFile(paths[i], _options.ImageLimits));
        return EncodeImages(images, cancel);
    }

    /// <summary>The embedding of one encoded image (an upload, a fetched URL).</summary>
    public float[] EncodeImageBytes(ReadOnlySpan<byte> encoded, string name) =>
        EncodeImages([ClipImageDecoder.Decode(encoded, name, _options.ImageLimits)]);

    private int ProbeDimension()
    {
        var tower = _text ?? _vision!;
        string output = _text is not null ? _textOutput! : _imageOutput!;
        int fixedDim = tower.Session.OutputMetadata[output].Dimensions[1];
        if (fixedDim > 0) return fixedDim;
        var inputs = new Dictionary<string, OrtValue>();
        if (_text is not null)
        {
            AddDummyText(inputs);
            if (_combined) inputs["pixel_values"] = ZeroPixels(1);
        }
        else
        {
            inputs["pixel_values"] = ZeroPixels(1);
        }
        using var results = RunRaw(tower, inputs, output);
        return (int)results[0].GetTensorTypeAndShape().Shape[1];
    }

    private void AddDummyText(Dictionary<string, OrtValue> inputs)
    {
        int context = Tokenizer?.ContextLength ?? ClipTokenizer.DefaultContextLength;
        var ids = new long[context];
        ids[0] = Tokenizer?.StartOfTextId ?? 0;
        ids[1] = Tokenizer?.EndOfTextId ?? 1;
        inputs["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, [1, context]);
        if (_textHasMask)
        {
            var mask = new long[context];
            mask[0] = mask[1] = 1;
            inputs["attention_mask"] = OrtValue.CreateTensorValueFromMemory(mask, [1, context]);
        }
    }

    private OrtValue ZeroPixels(int n)
    {
        int s = Preprocessor.CropSize;
        return OrtValue.CreateTensorValueFromMemory(new float[n * 3 * s * s], [n, 3, s, s]);
    }

    private static IDisposableReadOnlyCollection<OrtValue> RunRaw(OnnxTower tower, Dictionary<string, OrtValue> inputs, string output)
    {
        try
        {
            using var runOptions = new RunOptions();
            return tower.Session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), [output]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DataFormatException(tower.Path, $"the model failed to run: {e.Message.Split('\n')[0]}", inner: e);
        }
        finally
        {
            foreach (var v in inputs.Values) v.Dispose();
        }
    }

    private void Run(OnnxTower tower, Dictionary<string, OrtValue> inputs, string output, int n, Span<float> destination)
    {
        using var results = RunRaw(tower, inputs, output);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != n || shape[1] != Dimension)
            throw new DataFormatException(tower.Path, $"output '{output}' came out [{string.Join(", ", shape)}], expected [{n}, {Dimension}]");
        results[0].GetTensorDataAsSpan<float>().CopyTo(destination);
        for (int i = 0; i < n; i++) L2Normalize(destination.Slice(i * Dimension, Dimension));
    }

    /// <summary>Scales a vector to unit length (a zero or non-finite one is left as it is).</summary>
    public static void L2Normalize(Span<float> v)
    {
        double sum = 0;
        foreach (float x in v) sum += (double)x * x;
        if (sum <= 0 || !double.IsFinite(sum)) return;
        float inv = (float)(1.0 / Math.Sqrt(sum));
        for (int i = 0; i < v.Length; i++) v[i] *= inv;
    }

    public void Dispose()
    {
        _text?.Dispose();
        if (!ReferenceEquals(_vision, _text)) _vision?.Dispose();
    }
}
