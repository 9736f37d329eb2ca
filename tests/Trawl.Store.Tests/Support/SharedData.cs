using Xunit.Abstractions;

namespace Trawl.Store.Tests.Support;

/// <summary>Finds ../shared/data beside the repository (the folder holding Trawl.slnx); tests that need it
/// return early with a note when it is absent.</summary>
public static class SharedData
{
    public static string? Find(string relative, ITestOutputHelper output)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trawl.slnx")))
            dir = dir.Parent;
        if (dir?.Parent is null)
        {
            output.WriteLine("SKIPPED: repository root (Trawl.slnx) not found above " + AppContext.BaseDirectory);
            return null;
        }
        // The main checkout has shared/ as its sibling; worktrees sit deeper, so look further up too.
        for (var up = dir.Parent; up is not null; up = up.Parent)
        {
            string candidate = Path.Combine(up.FullName, "shared", "data", relative);
            if (File.Exists(candidate) || Directory.Exists(candidate))
                return candidate;
        }
        output.WriteLine($"SKIPPED: shared/data/{relative} is absent (../shared/data is only on development machines)");
        return null;
    }
}
