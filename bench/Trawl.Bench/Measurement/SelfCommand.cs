using System.Reflection;

namespace Trawl.Bench.Measurement;

/// <summary>How to start this benchmark program again as a child process, whether it runs from its
/// app host or as <c>dotnet Trawl.Bench.dll</c>.</summary>
internal static class SelfCommand
{
    public static string FileName => Environment.ProcessPath ?? "dotnet";

    public static IReadOnlyList<string> Arguments =>
        Path.GetFileNameWithoutExtension(FileName) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : [];
}
