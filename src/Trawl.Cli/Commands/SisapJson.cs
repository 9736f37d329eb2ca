using System.Text.Json;

namespace Trawl.Cli.Commands;

/// <summary>JSON output of the SISAP commands' reports (camelCase, one indented document).</summary>
internal static class SisapJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write<T>(CliTerminal terminal, T report) => terminal.Out.WriteLine(JsonSerializer.Serialize(report, Options));
}
