using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Formats.NumPy;

namespace Trawl.Store.VectorSets;

/// <summary>Query vectors as users give them: the one rule for a vector in JSON (CLI --vector, API embedding_input)
/// and for a .npy file of queries (CLI --query-file, --queries). Every component must be a finite number.</summary>
public static class QueryVectors
{
    /// <summary>A non-empty JSON array of finite numbers (each within float range). <paramref name="what"/> names the
    /// input in errors (e.g. "--vector", "embedding_input").</summary>
    public static float[] FromJson(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new UserErrorException($"{what} must be a JSON array of numbers, e.g. [0.1, -0.2, 0.3]");
            var values = new float[doc.RootElement.GetArrayLength()];
            if (values.Length == 0)
                throw new UserErrorException($"{what}: the array is empty");
            int i = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d) || !double.IsFinite(d) || Math.Abs(d) > float.MaxValue)
                    throw new UserErrorException($"{what}: item {i} ({e.GetRawText()}) is not a finite number");
                values[i++] = (float)d;
            }
            return values;
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{what} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Every row of a 1-d (one query) or 2-d (queries × dimension) float32, float16 or float64 .npy file,
    /// row-major; the width must be <paramref name="dimension"/> when given.</summary>
    public static (float[] Values, int Count, int Dimension) FromNpy(string path, int? dimension)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"{path}: no such file");
        using var npy = NpyFile.Open(path);
        if (npy.Shape.Count is not (1 or 2))
            throw new UserErrorException($"{path}: expected a 2-d array (queries × dimension), not shape ({string.Join(", ", npy.Shape)})");
        long rows = npy.Shape.Count == 1 ? 1 : npy.Rows;
        long width = npy.Shape.Count == 1 ? npy.Shape[0] : npy.Columns;
        if (width < 1 || width > Trawl.Vectors.VectorMatrix.MaxDimension)
            throw new UserErrorException($"{path}: the queries have {width} components; expected 1 to {Trawl.Vectors.VectorMatrix.MaxDimension}");
        if (dimension is { } d && width != d)
            throw new UserErrorException($"{path}: the queries have dimension {width} but the vectors have dimension {d}");
        if (rows * width > Array.MaxLength)
            throw new UserErrorException($"{path}: {rows:N0} queries of {width} components are too many to hold at once");
        int dim = (int)width;
        var values = new float[rows * dim];
        for (long r = 0; r < rows; r++)
        {
            var bytes = npy.Shape.Count == 1 ? AllBytes(npy) : npy.RowBytes(r);
            ConvertRow(npy, bytes, values.AsSpan((int)(r * dim), dim), path, r);
        }
        return (values, (int)rows, dim);
    }

    private static unsafe ReadOnlySpan<byte> AllBytes(NpyFile npy) => new((void*)npy.DataAddress, checked((int)npy.DataLength));

    private static void ConvertRow(NpyFile npy, ReadOnlySpan<byte> bytes, Span<float> q, string path, long row)
    {
        switch (npy.Type)
        {
            case NpyFile.ElementType.Float32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(q);
                break;
            case NpyFile.ElementType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                for (int i = 0; i < q.Length; i++) q[i] = (float)halves[i];
                break;
            case NpyFile.ElementType.Float64:
                var doubles = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < q.Length; i++) q[i] = (float)doubles[i];
                break;
            default:
                throw new UserErrorException($"{path}: queries must be float32, float16 or float64, not {npy.Type}");
        }
        for (int i = 0; i < q.Length; i++)
        {
            if (!float.IsFinite(q[i]))
                throw new UserErrorException($"{path}: query {row} component {i} is {q[i]}; components must be finite numbers");
        }
    }
}
