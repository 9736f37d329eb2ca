using System.IO.Enumeration;
using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>
/// Expands SOURCE arguments that hold wildcards (<c>*</c>, <c>?</c> in file and folder names, <c>**</c>
/// for any depth of folders, as in Dolma's <c>attributes/*/*.json.gz</c> or <c>rp/**/*.jsonl.zst</c>) into
/// the files they match, sorted, because shells on some systems (and quoted arguments) pass them through.
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
            var matches = Matches(pattern);
            if (matches.Count == 0)
                throw new FileNotFoundException($"{pattern}: no files match", pattern);
            files.AddRange(matches);
        }
        return files;
    }

    private static List<string> Matches(string pattern)
    {
        string[] segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        bool rooted = pattern.StartsWith('/');
        // The folders before the first wildcard are taken as they are.
        int first = Array.FindIndex(segments, HasWildcard);
        string prefix = string.Join('/', segments[..first]);
        if (rooted)
            prefix = "/" + prefix;
        string start = prefix.Length == 0 ? "." : prefix;
        var found = new List<string>();
        if (Directory.Exists(start))
            Walk(start, prefix, segments, first, found);
        return found.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private static void Walk(string folder, string shown, string[] segments, int index, List<string> found)
    {
        string segment = segments[index];
        bool last = index == segments.Length - 1;
        string Show(string name) => shown.Length == 0 ? name : shown.EndsWith('/') ? shown + name : shown + "/" + name;
        if (segment == "**")
        {
            if (last)
                throw new UserErrorException($"'**' must be followed by a file name pattern, e.g. '**/*.jsonl.zst'");
            Walk(folder, shown, segments, index + 1, found);
            foreach (string sub in Directory.EnumerateDirectories(folder))
                Walk(sub, Show(Path.GetFileName(sub)), segments, index, found);
            return;
        }
        if (last)
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                string name = Path.GetFileName(file);
                if (FileSystemName.MatchesSimpleExpression(segment, name, ignoreCase: false))
                    found.Add(Show(name));
            }
            return;
        }
        if (!HasWildcard(segment))
        {
            string next = Path.Combine(folder, segment);
            if (Directory.Exists(next))
                Walk(next, Show(segment), segments, index + 1, found);
            return;
        }
        foreach (string sub in Directory.EnumerateDirectories(folder))
        {
            string name = Path.GetFileName(sub);
            if (FileSystemName.MatchesSimpleExpression(segment, name, ignoreCase: false))
                Walk(sub, Show(name), segments, index + 1, found);
        }
    }

    public static bool HasWildcard(string path) => path.AsSpan().IndexOfAny('*', '?') >= 0;
}
