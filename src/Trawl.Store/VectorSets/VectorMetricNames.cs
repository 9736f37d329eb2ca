using Trawl.Vectors;

namespace Trawl.Store.VectorSets;

/// <summary>The one place metric names are read and written: "ip" (also "inner_product", "dot"), "cosine", "l2".
/// The registry, index files, the CLI's --metric and the API all go through it.</summary>
public static class VectorMetricNames
{
    /// <summary>The names a user may give, for help texts and errors.</summary>
    public const string Choices = "ip, cosine or l2";

    /// <summary>"ip", "cosine", "l2" (or "hamming" for bit sets).</summary>
    public static string Name(VectorMetric metric) => metric switch
    {
        VectorMetric.InnerProduct => "ip",
        VectorMetric.Cosine => "cosine",
        VectorMetric.L2 => "l2",
        _ => metric.ToString().ToLowerInvariant(),
    };

    /// <summary>A metric name, case and surrounding blanks ignored; anything else is a <see cref="UserErrorException"/>
    /// that starts with <paramref name="what"/> (e.g. "--metric").</summary>
    public static VectorMetric Parse(string name, string what = "vector metric") =>
        TryParse(name, out var metric) ? metric : throw new UserErrorException($"{what} must be {Choices}, not '{name}'");

    public static bool TryParse(string? name, out VectorMetric metric)
    {
        switch ((name ?? "").Trim().ToLowerInvariant())
        {
            case "ip" or "inner_product" or "dot": metric = VectorMetric.InnerProduct; return true;
            case "cosine": metric = VectorMetric.Cosine; return true;
            case "l2": metric = VectorMetric.L2; return true;
            default: metric = default; return false;
        }
    }
}
