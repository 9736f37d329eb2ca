using Xunit.Abstractions;

namespace Trawl.Cli.Tests;

/// <summary>
/// Finds the real data in ../shared/data beside the repository (the folder holding Trawl.slnx).
/// On machines without it, tests write why they skip and return.
/// </summary>
internal static class SharedData
{
    public static string? Find(string relative, ITestOutputHelper output)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Trawl.slnx")))
            root = root.Parent;
        if (root is null)
        {
            output.WriteLine("SKIPPED: the repository root (Trawl.slnx) was not found above " + AppContext.BaseDirectory);
            return null;
        }
        // The main checkout has shared/ as its sibling; git worktrees sit a level deeper, so look further up too.
        for (var up = root.Parent; up is not null; up = up.Parent)
        {
            string path = Path.Combine(up.FullName, "shared", "data", relative);
            if (File.Exists(path))
                return path;
        }
        output.WriteLine($"SKIPPED: shared/data/{relative} is not there (the shared test data lives beside the repository)");
        return null;
    }
}
