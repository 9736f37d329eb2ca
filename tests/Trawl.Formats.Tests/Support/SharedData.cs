using Xunit.Abstractions;

namespace Trawl.Formats.Tests.Support;

/// <summary>Finds ../shared/data next to the repository (the folder holding Trawl.slnx), or further up for a worktree; absent on users' machines.</summary>
public static class SharedData
{
    public static string? Folder { get; } = Find();

    /// <summary>The path of a shared data file, or null after telling the test output why the test does not run.</summary>
    public static string? File(string relative, ITestOutputHelper output)
    {
        if (Folder is null)
        {
            output.WriteLine("SKIPPED: ../shared/data is not next to the repository; this test needs the real data files.");
            return null;
        }
        string path = Path.Combine(Folder, relative);
        if (!System.IO.File.Exists(path))
        {
            output.WriteLine($"SKIPPED: {path} is missing.");
            return null;
        }
        return path;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!System.IO.File.Exists(Path.Combine(dir.FullName, "Trawl.slnx")))
                continue;
            // ../shared/data from the repository; a git worktree nested one level deeper looks further up.
            for (var up = dir.Parent; up is not null; up = up.Parent)
            {
                string data = Path.Combine(up.FullName, "shared", "data");
                if (Directory.Exists(data))
                    return data;
            }
            return null;
        }
        return null;
    }
}
