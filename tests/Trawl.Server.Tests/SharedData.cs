using Xunit.Abstractions;

namespace Trawl.Server.Tests;

/// <summary>Locates the real sample files in shared/data beside the repository (the folder with Trawl.slnx,
/// or further up for worktrees). Tests that need them return early with a note when they are absent.</summary>
internal static class SharedData
{
    public static string? Find(string relative, ITestOutputHelper output)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Trawl.slnx")))
            root = root.Parent;
        for (var up = root?.Parent; up is not null; up = up.Parent)
        {
            string candidate = Path.Combine(up.FullName, "shared", "data", relative);
            if (File.Exists(candidate))
                return candidate;
        }
        output.WriteLine($"SKIPPED: shared/data/{relative} not found beside the repository (it exists only on development machines)");
        return null;
    }
}
