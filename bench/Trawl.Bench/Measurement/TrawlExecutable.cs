namespace Trawl.Bench.Measurement;

/// <summary>Finds the Release build of the <c>trawl</c> command in the repository, building it when it is missing.</summary>
internal static class TrawlExecutable
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Trawl.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Trawl.slnx above {AppContext.BaseDirectory}: run the benchmark from the repository");
    }

    public static string Locate()
    {
        string root = RepositoryRoot();
        string path = Path.Combine(root, "src", "Trawl.Cli", "bin", "Release", "net10.0", "trawl");
        if (!File.Exists(path))
        {
            Reporting.BenchReport.Progress("building src/Trawl.Cli in Release");
            ChildProcess.Run("dotnet", ["build", Path.Combine(root, "src", "Trawl.Cli", "Trawl.Cli.csproj"), "-c", "Release", "-v", "q"], root)
                .EnsureSuccess();
        }
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing after building src/Trawl.Cli");
    }
}
