using System.Text.Json;

namespace Trawl.Store.Export;

/// <summary>
/// The output folder's rules: a folder that exists and is not empty is refused unless <c>--overwrite</c>, and
/// even then only emptied when it holds an earlier Trawl export (its <see cref="MarkerName"/> file), so a
/// mistyped path never loses someone's files. The marker is written first, saying the export is not complete, so a
/// killed export is still recognised (and replaced by a re-run with <c>--overwrite</c>); parts are written under
/// temporary names (".partial") and renamed when complete; the marker is rewritten last with what was written.
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

    /// <summary>The marker of an export that has started and not finished.</summary>
    public static void WriteStartedMarker(string folder, ExportFormat format) => WriteMarker(folder, new
    {
        format = format.ToString().ToLowerInvariant(),
        complete = false,
        started = DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>The marker of a finished export: what it wrote.</summary>
    public static void WriteMarker(string folder, ExportReport report) => WriteMarker(folder, new
    {
        format = report.Format.ToString().ToLowerInvariant(),
        complete = true,
        rows = report.Rows,
        parts = report.Parts,
        files = report.Files,
        at = DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
    });

    private static void WriteMarker(string folder, object content)
    {
        string path = Path.Combine(folder, MarkerName);
        File.WriteAllText(path + PartialSuffix, JsonSerializer.Serialize(content));
        File.Move(path + PartialSuffix, path, overwrite: true);
    }
}
