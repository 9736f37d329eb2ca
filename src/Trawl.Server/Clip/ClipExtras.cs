using System.Runtime.InteropServices;
using Trawl.Formats.NumPy;
using Trawl.Store;

namespace Trawl.Server.Clip;

/// <summary>clip-retrieval's extra embeddings, from a folder given with <c>--clip-extras</c>: LAION's aesthetic
/// embeddings <c>rating0.npy</c> … <c>rating9.npy</c> (as in LAION-AI/aesthetic-predictor's
/// <c>vit_b_32_embeddings/</c>, directly in the folder or in a <c>*_embeddings/</c> subfolder) and the violence
/// prompts <c>violence_detection*.npy</c> (LAION-AI/CLIP-based-NSFW-Detector: one prompt embedding per row; a
/// result is violent when prompt 1 is its best match).</summary>
internal sealed class ClipExtras
{
    private ClipExtras(Dictionary<int, float[]> aesthetic, float[][]? violence)
    {
        Aesthetic = aesthetic;
        ViolencePrompts = violence;
    }

    /// <summary>Rating (0–9) → embedding.</summary>
    public IReadOnlyDictionary<int, float[]> Aesthetic { get; }
    public float[][]? ViolencePrompts { get; }

    public static ClipExtras Empty { get; } = new([], null);

    public static ClipExtras Load(string folder, int dimension)
    {
        if (!Directory.Exists(folder)) throw new UserErrorException($"--clip-extras: no such folder '{folder}'");
        var aesthetic = new Dictionary<int, float[]>();
        var dirs = new[] { folder }.Concat(Directory.GetDirectories(folder, "*_embeddings")).ToList();
        for (int rating = 0; rating < 10; rating++)
        {
            string? path = dirs.Select(d => Path.Combine(d, $"rating{rating}.npy")).FirstOrDefault(File.Exists);
            if (path is null) continue;
            var rows = ReadRows(path, dimension);
            if (rows.Length != 1) throw new UserErrorException($"{path}: expected one embedding, found {rows.Length}");
            aesthetic[rating] = rows[0];
        }
        string? violence = Directory.GetFiles(folder, "violence_detection*.npy").OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault();
        var prompts = violence is null ? null : ReadRows(violence, dimension);
        if (prompts is { Length: < 2 }) throw new UserErrorException($"{violence}: the violence detector needs at least two prompt embeddings");
        if (aesthetic.Count == 0 && prompts is null)
            throw new UserErrorException($"--clip-extras: '{folder}' holds neither rating0.npy … rating9.npy nor violence_detection*.npy");
        return new ClipExtras(aesthetic, prompts);
    }

    private static unsafe ReadOnlySpan<byte> WholeData(NpyFile npy) => new((void*)npy.DataAddress, checked((int)npy.DataLength));

    private static float[][] ReadRows(string path, int dimension)
    {
        using var npy = NpyFile.Open(path);
        long rows = npy.Shape.Count == 1 ? 1 : npy.Rows;
        long width = npy.Shape.Count == 1 ? npy.Shape[0] : npy.Columns;
        if (npy.Shape.Count is not (1 or 2) || width != dimension)
            throw new UserErrorException($"{path}: expected embeddings of dimension {dimension} (the served vectors'), not shape ({string.Join(", ", npy.Shape)})");
        if (rows > 1000) throw new UserErrorException($"{path}: {rows} rows is more than an extras file holds");
        var result = new float[rows][];
        for (long r = 0; r < rows; r++)
        {
            var bytes = npy.Shape.Count == 1 ? WholeData(npy) : npy.RowBytes(r);
            result[r] = npy.Type switch
            {
                NpyFile.ElementType.Float32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
                NpyFile.ElementType.Float64 => MemoryMarshal.Cast<byte, double>(bytes).ToArray().Select(d => (float)d).ToArray(),
                NpyFile.ElementType.Float16 => MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h).ToArray(),
                _ => throw new UserErrorException($"{path}: expected float embeddings, not {npy.Type}"),
            };
        }
        return result;
    }
}
