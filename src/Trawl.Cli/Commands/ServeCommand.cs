using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Trawl.Cli.Input;
using Trawl.Server;
using Trawl.Store;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl serve DATASET...</c>: the web pages and JSON API.</summary>
internal static class ServeCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var datasets = new Argument<string[]>("DATASET")
        {
            Description = "Dataset folders to serve (NAME.trawl).",
            Arity = ArgumentArity.OneOrMore,
        };
        var host = new Option<string>("--host") { Description = "Address to listen on; 0.0.0.0 exposes the site to the network.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ADDRESS" };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 8001 };
        OptionRange.Require(port, 0, 65535, "--port must be between 0 and 65535");
        var sqlTimeLimit = new Option<string>("--sql-time-limit") { Description = "Time limit for SQL from the query page and for counts and facets (e.g. 1s, 500ms).", DefaultValueFactory = _ => "1s", HelpName = "DURATION" };

        var model = ClipOptions.Model();
        model.Description = "A CLIP model folder (ONNX): the knn endpoints and /knn-service then take text, image (base64) and, with --allow-fetch, image_url.";
        var clipExtras = new Option<string?>("--clip-extras") { Description = "A folder of clip-retrieval's extra embeddings: rating0.npy … rating9.npy (aesthetic_score) and violence_detection*.npy (use_violence_detector).", HelpName = "DIR" };
        var allowFetch = new Option<bool>("--allow-fetch") { Description = "Let queries name an image_url that the server downloads (off by default: no requests to arbitrary hosts)." };
        var heavySlots = CommonOptions.PositiveInt("--heavy-slots", Math.Max(2, Environment.ProcessorCount),
            "Heavy requests (table pages with facets or histograms over many rows, SQL, kNN) that run at once; more wait in the queue.");
        var heavyQueue = new Option<int>("--heavy-queue")
        {
            Description = "Heavy requests that may wait for a slot; beyond that the server answers 503 with Retry-After instead of slowing every request (0: no queue).",
            DefaultValueFactory = _ => 2 * Math.Max(2, Environment.ProcessorCount),
            HelpName = "N",
        };
        OptionRange.Require(heavyQueue, 0, 100_000, "--heavy-queue must be between 0 and 100000");

        var cors = new Option<bool>("--cors") { Description = "Send CORS headers (Access-Control-Allow-Origin: *), as Datasette's --cors: pages on other sites may read the JSON API." };
        var allowRobots = new Option<bool>("--allow-robots") { Description = "Let /robots.txt allow crawlers (by default it asks them to stay away, as datasette-block-robots)." };
        var metadata = new Option<string?>("--metadata") { Description = "A Datasette metadata file (metadata.yml or metadata.json): site, database and table title, description, license and source; column descriptions; per table the facets always shown, sort or sort_desc, size, facet_size, label_column and hidden; canned queries at /DB/NAME with :name parameters. Served at /-/metadata.json.", HelpName = "FILE" };
        var setting = new Option<string[]>("--setting") { Description = $"A Datasette setting as NAME=VALUE, repeatable (sql_time_limit_ms overrides --sql-time-limit). {string.Join("; ", Trawl.Server.Hosting.DatasetteSettings.Descriptions)}.", HelpName = "NAME=VALUE" };

        var command = new Command("serve", "Serve datasets as web pages and a JSON API (read-only) until Ctrl+C.")
        {
            datasets, host, port, sqlTimeLimit, model, clipExtras, allowFetch, heavySlots, heavyQueue, cors, allowRobots, setting, metadata,
        };
        command.SetAction(parse =>
        {
            var options = new ServerOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                SqlTimeLimit = DurationText.Parse(parse.GetValue(sqlTimeLimit)!, "--sql-time-limit"),
                ClipModel = parse.GetValue(model),
                ClipExtras = parse.GetValue(clipExtras),
                AllowFetch = parse.GetValue(allowFetch),
                HeavyWorkSlots = parse.GetValue(heavySlots),
                HeavyWorkQueue = parse.GetValue(heavyQueue),
                Cors = parse.GetValue(cors),
                AllowRobots = parse.GetValue(allowRobots),
                Metadata = parse.GetValue(metadata) is { } file ? Trawl.Server.Metadata.MetadataFile.Load(file) : Trawl.Server.Metadata.SiteMetadata.Empty,
            };
            foreach (string spec in parse.GetValue(setting) ?? [])
            {
                int eq = spec.IndexOf('=');
                if (eq <= 0)
                    throw new UserErrorException($"--setting '{spec}': give NAME=VALUE, e.g. sql_time_limit_ms=3500 (Datasette's '--setting NAME VALUE' is written --setting NAME=VALUE here)");
                options = Trawl.Server.Hosting.DatasetteSettings.Apply(options, spec[..eq].Trim(), spec[(eq + 1)..].Trim());
            }
            Serve(terminal, parse.GetValue(datasets)!, options);
            return CliExitCode.Ok;
        });
        return command;
    }

    /// <summary>Starts the server, prints its address and blocks until Ctrl+C or SIGTERM.</summary>
    internal static void Serve(CliTerminal terminal, IReadOnlyList<string> datasets, ServerOptions options)
    {
        QuietHostLogging();
        Interrupts.StopCleanly();
        WebApplication app = TrawlServer.Build(datasets, options);
        try
        {
            try
            {
                app.StartAsync(terminal.Cancel).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UserErrorException($"cannot listen on {options.Host}:{options.Port}: {e.Message} (try another --port)", e);
            }
            foreach (string url in app.Urls)
                terminal.Out.WriteLine($"Serving {string.Join(", ", datasets)} at {url}/ (Ctrl+C to stop)");
            terminal.Out.Flush();
            // Ends on our Ctrl+C token or when the host itself is told to stop (SIGTERM).
            app.WaitForShutdownAsync(terminal.Cancel).GetAwaiter().GetResult();
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// ASP.NET Core logs every request at Information level to stdout, which would bury the URL we
    /// print; keep warnings and errors unless the user configured logging through the environment.
    /// </summary>
    private static void QuietHostLogging()
    {
        const string Key = "Logging__LogLevel__Default";
        if (Environment.GetEnvironmentVariable(Key) is null)
            Environment.SetEnvironmentVariable(Key, "Warning");
    }
}
