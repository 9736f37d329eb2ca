using System.Text.Json;
using Trawl.Vectors.Indexes;

namespace Trawl.Store.VectorSets;

/// <summary>The one place filter strategy names are read and written ("auto", "walk", "exact"), and a
/// <see cref="FilterPlan"/> as JSON: the CLI's --filter-strategy and --json, and the API's filter_strategy and answer.</summary>
public static class FilterStrategyNames
{
    /// <summary>The names a user may give, for help texts and errors.</summary>
    public const string Choices = "auto, walk or exact";

    public static string Name(FilterStrategy strategy) => strategy switch
    {
        FilterStrategy.Walk => "walk",
        FilterStrategy.Exact => "exact",
        _ => "auto",
    };

    /// <summary>A strategy name, case and blanks ignored; empty or null is auto; anything else is a <see cref="UserErrorException"/>
    /// that starts with <paramref name="what"/>.</summary>
    public static FilterStrategy Parse(string? name, string what = "filter strategy") => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => FilterStrategy.Auto,
        "walk" => FilterStrategy.Walk,
        "exact" => FilterStrategy.Exact,
        _ => throw new UserErrorException($"{what} must be {Choices}, not '{name}'"),
    };

    /// <summary>Writes <c>"filter_plan": {strategy, allowed, indexed, density, ef, nprobe}</c>, or null when no index answered a filter.</summary>
    public static void WritePlan(Utf8JsonWriter writer, FilterPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (plan is null)
        {
            writer.WriteNull("filter_plan");
            return;
        }
        writer.WriteStartObject("filter_plan");
        writer.WriteString("strategy", Name(plan.Strategy));
        writer.WriteNumber("allowed", plan.Allowed);
        writer.WriteNumber("indexed", plan.Indexed);
        writer.WriteNumber("density", Math.Round(plan.Density, 6));
        if (plan.Ef is { } ef) writer.WriteNumber("ef", ef); else writer.WriteNull("ef");
        if (plan.NProbe is { } nprobe) writer.WriteNumber("nprobe", nprobe); else writer.WriteNull("nprobe");
        writer.WriteEndObject();
    }
}
