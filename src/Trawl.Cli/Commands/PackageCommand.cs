using System.CommandLine;
using System.Diagnostics;
using Trawl.Store;
using Trawl.Store.Related;

namespace Trawl.Cli.Commands;

/// <summary>
/// <c>trawl package DATASET --tag NAME</c>, as <c>datasette package</c>: a Docker build context (a Dockerfile, this
/// trawl's own files for linux-x64, and a consistent copy of the dataset) whose image serves the dataset read-only
/// on port 8001; built with <c>docker build</c> when a Docker daemon answers.
/// </summary>
internal static class PackageCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var dataset = new Argument<string>("DATASET") { Description = "The dataset folder to package (NAME.trawl)." };
        var tag = new Option<string>("--tag") { Description = "The image's tag, e.g. musiccaps:latest (default: the dataset's name).", HelpName = "NAME" };
        var output = new Option<string?>("--output") { Description = "Folder to write the build context into (default: NAME-package beside the current folder); must not exist.", HelpName = "DIR" };
        var port = new Option<int>("--port") { Description = "The port the image serves on.", DefaultValueFactory = _ => 8001 };
        OptionRange.Require(port, 1, 65535, "--port must be between 1 and 65535");
        var noBuild = new Option<bool>("--no-build") { Description = "Write the build context only, even when Docker is there." };
        var cors = new Option<bool>("--cors") { Description = "The image serves with --cors." };
        var command = new Command("package", "Write a Docker build context (Dockerfile, trawl, a copy of the dataset) whose image serves the dataset read-only, like datasette package; builds the image when a Docker daemon answers.")
        {
            dataset, tag, output, port, noBuild, cors,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(dataset)!;
            string name = Path.GetFileNameWithoutExtension(Path.GetFullPath(path.TrimEnd('/')));
            string imageTag = parse.GetValue(tag) is { Length: > 0 } t ? t : name.ToLowerInvariant();
            if (!imageTag.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/'))
                throw new UserErrorException($"--tag '{imageTag}': a Docker tag is letters, digits and . _ - : /");
            string context = Path.GetFullPath(parse.GetValue(output) ?? name + "-package");
            if (Directory.Exists(context) || File.Exists(context))
                throw new UserErrorException($"{context} already exists; choose another --output");
            try
            {
                Directory.CreateDirectory(context);
                string copy = DatasetSnapshot.CopyTo(path, context);
                CopyApp(Path.Combine(context, "app"));
                File.WriteAllText(Path.Combine(context, "Dockerfile"), Dockerfile(Path.GetFileName(copy), parse.GetValue(port), parse.GetValue(cors)));
            }
            catch
            {
                try { Directory.Delete(context, recursive: true); } catch (IOException) { }
                throw;
            }
            terminal.Out.WriteLine($"build context in {context}");
            if (parse.GetValue(noBuild))
                return CliExitCode.Ok;
            if (!DockerAnswers())
            {
                terminal.Out.WriteLine($"no Docker daemon answered; build it with: docker build -t {imageTag} {context}");
                return CliExitCode.Ok;
            }
            int code = Run("docker", ["build", "-t", imageTag, context], terminal.Err);
            if (code != 0)
                throw new UserErrorException($"docker build exited with {code}");
            terminal.Out.WriteLine($"image {imageTag}: docker run -p {parse.GetValue(port)}:{parse.GetValue(port)} {imageTag}");
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>The image: ASP.NET Core's runtime, this trawl, the dataset; served read-only on all interfaces.</summary>
    internal static string Dockerfile(string datasetFolder, int port, bool cors) => $"""
        FROM mcr.microsoft.com/dotnet/aspnet:10.0
        COPY app /app
        COPY {datasetFolder} /data/{datasetFolder}
        # The dataset is read, never written: the files belong to root and the server runs as the image's app user.
        USER app
        EXPOSE {port}
        CMD ["dotnet", "/app/trawl.dll", "serve", "/data/{datasetFolder}", "--host", "0.0.0.0", "--port", "{port}"{(cors ? ", \"--cors\"" : "")}]

        """;

    /// <summary>This trawl's files, with the native libraries for linux-x64 only (the others are most of the size).</summary>
    private static void CopyApp(string target)
    {
        string source = AppContext.BaseDirectory;
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts[0] == "runtimes" && parts.Length > 1 && parts[1] is not ("linux-x64" or "linux" or "unix"))
                continue;
            string to = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    private static bool DockerAnswers()
    {
        try
        {
            return Run("docker", ["info", "--format", "{{.ServerVersion}}"], TextWriter.Null) == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static int Run(string program, string[] args, TextWriter err)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0)
            err.Write(stderr);
        return process.ExitCode;
    }
}
