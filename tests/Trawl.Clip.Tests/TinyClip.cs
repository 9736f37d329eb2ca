using System.Text.Json;

namespace Trawl.Clip.Tests;

/// <summary>The committed tiny CLIP (Fixtures/make_tiny_clip.py) and its PyTorch reference outputs.</summary>
internal static class TinyClip
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-clip");
    public static string Image(string name) => Path.Combine(Folder, "images", name);

    private static readonly Lazy<JsonDocument> Doc = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "reference.json"))));
    public static JsonElement Reference => Doc.Value.RootElement;

    public static IEnumerable<object[]> TokenCases() =>
        Reference.GetProperty("tokens").EnumerateArray().Select((t, i) => new object[] { i });

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>A copy of the fixture folder to break, deleted with the returned handle.</summary>
    public static TempFolder Copy()
    {
        var t = new TempFolder();
        foreach (var f in Directory.GetFiles(Folder)) File.Copy(f, Path.Combine(t.Path, Path.GetFileName(f)));
        return t;
    }
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trawl-clip-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
