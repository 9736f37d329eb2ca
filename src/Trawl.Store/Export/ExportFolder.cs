using System.Text.Json;

namespace Trawl.Store.Export;

/// <summary>
/// The output folder's rules: a folder that exists and is not empty is refused unless <c>--overwrite</c>, and
/// even then only emptied when it holds an earlier Trawl export (its <see cref="MarkerName"/> file), so a
/// mistyped path never loses someone's files. Parts are written under temporary names (".partial") and
/// renamed when complete; the marker is written last.
/// </summary>
internal static class ExportFolder
{
    public const string MarkerName = "trawl-export.json";
    public const string PartialSuffix = ".partial";

    public static void Prepare(string folder, bool overwrite)
    {
        if (File.Exists(folder)) throw new UserErrorException($"{folder}: is a file; --out needs a folder");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!overwrite)
                throw new UserErrorException($"{folder}: the folder exists and is not empty; give --overwrite to replace an earlier export, or choose another --out");
            if (!File.Exists(Path.Combine(folder, MarkerName)))
                throw new UserErrorException($"{folder}: --overwrite only replaces an earlier Trawl export (a folder with {MarkerName}); this folder holds other files, so it is left alone");
            foreach (string dir in Directory.EnumerateDirectories(folder)) Directory.Delete(dir, recursive: true);
            foreach (string file in Directory.EnumerateFiles(folder)) File.Delete(file);
        }
        Directory.CreateDirectory(folder);
    }

    public static string Partial(string finalPath) => finalPath + PartialSuffix;

    /// <summary>Moves completed parts to their final names (vectors before metadata, so a metadata part implies its vectors).</summary>
    public static void Publish(IEnumerable<string> finalPaths)
    {
        foreach (string path in finalPaths) File.Move(Partial(path), path, overwrite: false);
    }

    /// <summary>Removes what an unfinished part left (on failure or cancellation).</summary>
    public static void Discard(IEnumerable<string> finalPaths)
    {
        foreach (string path in finalPaths)
        {
            try { File.Delete(Partial(path)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static void WriteMarker(string folder, ExportReport report)
    {
        string path = Path.Combine(folder, MarkerName);
        File.WriteAllText(path + PartialSuffix, JsonSerializer.Serialize(new
        {
            format = report.Format.ToString().ToLowerInvariant(),
            rows = report.Rows,
            parts = report.Parts,
            files = report.Files,
            at = DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        }));
        File.Move(path + PartialSuffix, path, overwrite: true);
    }
}
