using Trawl.Vectors;

namespace Trawl.Store.VectorSets;

/// <summary>The one place element type names are read and written: "f16", "f32", "i8", "bits".</summary>
public static class VectorElementTypeNames
{
    public static string Name(VectorElementType type) => type switch
    {
        VectorElementType.Float32 => "f32",
        VectorElementType.Float16 => "f16",
        VectorElementType.Int8 => "i8",
        VectorElementType.Bits => "bits",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>"f16"/"float16", "f32"/"float32", "i8"/"int8", "bits"; anything else is a <see cref="UserErrorException"/>.</summary>
    public static VectorElementType Parse(string name, string what = "vector element type") => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "f16" or "float16" => VectorElementType.Float16,
        "f32" or "float32" => VectorElementType.Float32,
        "i8" or "int8" => VectorElementType.Int8,
        "bits" => VectorElementType.Bits,
        _ => throw new UserErrorException($"{what} must be f16 or f32, not '{name}'"),
    };
}
