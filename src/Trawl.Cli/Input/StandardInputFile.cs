using Trawl.Store;

namespace Trawl.Cli.Input;

/// <summary>
/// <c>-</c> or <c>/dev/stdin</c> as a source (as <c>sqlite-utils insert ... -</c>): standard input copied to a
/// temporary file first, because the readers sniff the format, look through compression and seek (Parquet reads
/// its footer first), none of which a pipe allows. The file is named <c>stdin</c> (with the --format as its
/// extension), so the table is called "stdin" unless --table says otherwise; it is deleted on dispose.
/// </summary>
internal sealed class StandardInputFile : IDisposable
{
    private readonly string _folder;

    private StandardInputFile(string folder, string path)
    {
        _folder = folder;
        Path = path;
    }

    /// <summary>The temporary file holding what standard input gave.</summary>
    public string Path { get; }

    public static bool IsStandardInput(string source) => source is "-" or "/dev/stdin";

    public static StandardInputFile Buffer(Func<Stream> openInput, string? format, CancellationToken cancel)
    {
        var folder = Directory.CreateTempSubdirectory("trawl-stdin-");
        string path = System.IO.Path.Combine(folder.FullName, format is null ? "stdin" : "stdin." + format);
        try
        {
            using var input = openInput();
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                input.CopyToAsync(file, 1 << 16, cancel).GetAwaiter().GetResult();
            if (new FileInfo(path).Length == 0)
                throw new UserErrorException("standard input: no data (pipe a file into trawl, e.g. `cat x.csv | trawl ingest d.trawl - --format csv`)");
            return new StandardInputFile(folder.FullName, path);
        }
        catch
        {
            TryDelete(folder.FullName);
            throw;
        }
    }

    public void Dispose() => TryDelete(_folder);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
