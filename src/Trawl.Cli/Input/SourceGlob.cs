using System.IO.Enumeration;
using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>
/// Expands SOURCE arguments that hold wildcards (<c>*</c>, <c>?</c> in the file name) into the
/// files they match, sorted, because shells on some systems (and quoted arguments) pass them through.
/// </summary>
internal static class SourceGlob
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        var files = new List<string>();
        foreach (string pattern in patterns)
        {
            if (!HasWildcard(pattern))
            {
                if (Directory.Exists(pattern))
                    throw new UserErrorException($"{pattern}: is a folder; name the files in it (e.g. '{Path.Combine(pattern, "*.csv")}')");
                if (!File.Exists(pattern))
                    throw new FileNotFoundException($"{pattern}: no such file", pattern);
                files.Add(pattern);
                continue;
            }
            string? dir = Path.GetDirectoryName(pattern);
            string namePattern = Path.GetFileName(pattern);
            if (!string.IsNullOrEmpty(dir) && HasWildcard(dir))
                throw new UserErrorException($"{pattern}: wildcards are only supported in the file name, not in folder names");
            string searchDir = string.IsNullOrEmpty(dir) ? "." : dir;
            if (!Directory.Exists(searchDir))
                throw new FileNotFoundException($"{pattern}: no such folder '{searchDir}'", searchDir);
            var matches = Directory.EnumerateFiles(searchDir)
                .Where(f => FileSystemName.MatchesSimpleExpression(namePattern, Path.GetFileName(f), ignoreCase: false))
                .Select(f => string.IsNullOrEmpty(dir) ? Path.GetFileName(f) : Path.Combine(dir, Path.GetFileName(f)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (matches.Count == 0)
                throw new FileNotFoundException($"{pattern}: no files match", pattern);
            files.AddRange(matches);
        }
        return files;
    }

    public static bool HasWildcard(string path) => path.AsSpan().IndexOfAny('*', '?') >= 0;
}
