using Trawl.Clip.Encoders;
using Trawl.Formats.Tables;
using Trawl.Store;

namespace Trawl.Server.Clip;

/// <summary>What <c>trawl serve --model</c> adds: query vectors from text, an uploaded image (base64) or, with
/// <c>--allow-fetch</c>, an image URL; and clip-retrieval's extras.</summary>
internal sealed class ClipQueries : IDisposable
{
    public ClipQueries(ClipEncoder? encoder, ClipExtras extras, bool allowFetch)
    {
        Encoder = encoder;
        Extras = extras;
        AllowFetch = allowFetch;
        Fetcher = allowFetch ? new ImageFetcher(32L << 20, TimeSpan.FromSeconds(10)) : null;
    }

    public ClipEncoder? Encoder { get; }
    public ClipExtras Extras { get; }
    public bool AllowFetch { get; }
    private ImageFetcher? Fetcher { get; }

    /// <summary>The query vector from exactly one of text, base64 image or image URL; null when none is given.</summary>
    public async Task<float[]?> EncodeAsync(string? text, string? imageBase64, string? imageUrl, CancellationToken cancel)
    {
        if (!string.IsNullOrEmpty(text))
            return Require("text").EncodeTexts([text], cancel);
        if (!string.IsNullOrEmpty(imageBase64))
        {
            var encoder = Require("image");
            byte[] bytes;
            try
            {
                int comma = imageBase64.StartsWith("data:", StringComparison.Ordinal) ? imageBase64.IndexOf(',') : -1;
                bytes = Convert.FromBase64String(comma >= 0 ? imageBase64[(comma + 1)..] : imageBase64);
            }
            catch (FormatException)
            {
                throw new UserErrorException("image must be the image file's bytes in base64");
            }
            return Encode(encoder, bytes, "the uploaded image");
        }
        if (!string.IsNullOrEmpty(imageUrl))
        {
            var encoder = Require("image_url");
            if (Fetcher is null)
                throw new UserErrorException("image_url needs the server started with --allow-fetch (fetching arbitrary URLs is off by default); send the image itself as base64 in image");
            var bytes = await Fetcher.FetchAsync(imageUrl, cancel);
            return Encode(encoder, bytes, imageUrl);
        }
        return null;
    }

    /// <summary>The query vector of an uploaded image (decoded within the encoder's image limits; a bad image is a user error).</summary>
    public float[] EncodeImage(byte[] bytes, string name) => Encode(Require("image"), bytes, name);

    private static float[] Encode(ClipEncoder encoder, byte[] bytes, string name)
    {
        try
        {
            return encoder.EncodeImageBytes(bytes, name);
        }
        catch (DataFormatException e)
        {
            throw new UserErrorException(e.Message, e);
        }
    }

    private ClipEncoder Require(string input) => Encoder
        ?? throw new UserErrorException($"'{input}' needs a CLIP model: start the server with --model DIR (or send the vector as embedding_input)");

    public void Dispose()
    {
        Encoder?.Dispose();
        Fetcher?.Dispose();
    }
}
