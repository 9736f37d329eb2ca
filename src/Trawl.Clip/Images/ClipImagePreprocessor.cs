using System.Text.Json;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Images;

/// <summary>CLIP's image preprocessing (torchvision Resize(short side, BICUBIC), CenterCrop, ToTensor, Normalize),
/// with the size, mean and standard deviation of the model's preprocessor_config.json.</summary>
public sealed class ClipImagePreprocessor
{
    public static readonly float[] OpenAiMean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] OpenAiStd = [0.26862954f, 0.26130258f, 0.27577711f];

    public ClipImagePreprocessor(int resizeShortSide = 224, int cropSize = 224, float[]? mean = null, float[]? std = null)
    {
        if (resizeShortSide < 1 || resizeShortSide > 4096 || cropSize < 1 || cropSize > 4096)
            throw new ArgumentOutOfRangeException(nameof(cropSize), "image sizes must be from 1 to 4096");
        ResizeShortSide = resizeShortSide;
        CropSize = cropSize;
        Mean = mean ?? OpenAiMean;
        Std = std ?? OpenAiStd;
        if (Mean.Length != 3 || Std.Length != 3 || Std.Any(s => !(s > 0)))
            throw new ArgumentException("mean and std need three values, std above zero");
    }

    public int ResizeShortSide { get; }
    public int CropSize { get; }
    public float[] Mean { get; }
    public float[] Std { get; }

    /// <summary>Reads Hugging Face's preprocessor_config.json (or open_clip's open_clip_config.json preprocess_cfg);
    /// CLIP's defaults when the folder has neither.</summary>
    public static ClipImagePreprocessor Open(string folder)
    {
        string path = Path.Combine(folder, "preprocessor_config.json");
        if (!File.Exists(path)) return new ClipImagePreprocessor();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            int size = ReadSize(root, "size", "shortest_edge", 224, path);
            int crop = root.TryGetProperty("do_center_crop", out var dc) && dc.ValueKind == JsonValueKind.False ? size : ReadSize(root, "crop_size", "height", size, path);
            return new ClipImagePreprocessor(size, crop, ReadTriple(root, "image_mean", path), ReadTriple(root, "image_std", path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON: {e.Message}", inner: e);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, e.Message, inner: e);
        }
    }

    private static int ReadSize(JsonElement root, string name, string field, int fallback, string path)
    {
        if (!root.TryGetProperty(name, out var v)) return fallback;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n)) return n;
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty(field, out var f) && f.TryGetInt32(out n)) return n;
        throw new DataFormatException(path, $"'{name}' must be a number or {{\"{field}\": number}}");
    }

    private static float[]? ReadTriple(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 3)
            throw new DataFormatException(path, $"'{name}' must be a list of three numbers");
        return v.EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }

    /// <summary>Resize so the short side is ResizeShortSide and crop the centre square; 8-bit RGB out.</summary>
    public RgbImage ResizeAndCrop(RgbImage image)
    {
        int w = image.Width, h = image.Height;
        bool wideOrSquare = w >= h;
        int shortSide = wideOrSquare ? h : w, longSide = wideOrSquare ? w : h;
        int newLong = (int)((long)ResizeShortSide * longSide / shortSide);
        int nw = wideOrSquare ? newLong : ResizeShortSide, nh = wideOrSquare ? ResizeShortSide : newLong;
        var resized = PillowBicubicResizer.Resize(image, nw, nh);
        return CenterCrop(resized, CropSize);
    }

    /// <summary>torchvision's CenterCrop: offsets rounded half to even (Python's round), zero padding when smaller.</summary>
    internal static RgbImage CenterCrop(RgbImage image, int size)
    {
        int top = (int)Math.Round((image.Height - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((image.Width - size) / 2.0, MidpointRounding.ToEven);
        var dst = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            int sy = y + top;
            if (sy < 0 || sy >= image.Height) continue;
            for (int x = 0; x < size; x++)
            {
                int sx = x + left;
                if (sx < 0 || sx >= image.Width) continue;
                long s = ((long)sy * image.Width + sx) * 3, d = ((long)y * size + x) * 3;
                dst[d] = image.Pixels[s];
                dst[d + 1] = image.Pixels[s + 1];
                dst[d + 2] = image.Pixels[s + 2];
            }
        }
        return new RgbImage(size, size, dst);
    }

    /// <summary>The model input for one image, channels first: (value/255 − mean) / std.</summary>
    public void Normalize(RgbImage cropped, Span<float> destination)
    {
        int plane = cropped.Width * cropped.Height;
        if (destination.Length != 3 * plane) throw new ArgumentException("destination must hold 3 × width × height floats", nameof(destination));
        var px = cropped.Pixels;
        for (int c = 0; c < 3; c++)
        {
            float m = Mean[c], s = Std[c];
            var dst = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
                dst[i] = (px[i * 3 + c] / 255f - m) / s;
        }
    }
}
