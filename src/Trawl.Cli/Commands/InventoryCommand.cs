using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Input;
using Trawl.Cli.Output;
using Trawl.Cli.Progress;
using Trawl.Web.Http;
using Trawl.Web.Inventory;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl inventory URLS.txt --out sizes.trawl</c>: a HEAD per URL, sizes and types into a dataset.</summary>
internal static class InventoryCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var urls = new Argument<string>("URLS") { Description = "A text file with one URL a line (blank lines and lines starting with # are skipped; repeats are asked once)." };
        var output = new Option<string>("--out") { Description = "The dataset to write (NAME.trawl); its table is replaced with the latest answer for every URL.", HelpName = "DATASET", Required = true };
        var table = new Option<string>("--table") { Description = "The table to write.", HelpName = "NAME", DefaultValueFactory = _ => "inventory" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", HelpName = "N", DefaultValueFactory = _ => 64 };
        OptionRange.Require(concurrency, 1, 4096, "--concurrency must be between 1 and 4096");
        var perHost = new Option<int>("--per-host") { Description = "Requests in flight to one host at most (default: the concurrency).", HelpName = "N" };
        OptionRange.Require(perHost, 1, 4096, "--per-host must be between 1 and 4096");
        var timeout = new Option<string>("--timeout") { Description = "Time limit of one request (10s, 500ms, 1m).", HelpName = "DURATION", DefaultValueFactory = _ => "10s" };
        var retries = new Option<int>("--retries") { Description = "Further attempts after a network error, a timeout, a 5xx or a 429.", HelpName = "N", DefaultValueFactory = _ => 2 };
        OptionRange.Require(retries, 0, 20, "--retries must be between 0 and 20");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };

        var command = new Command("inventory", "Send a HEAD request to every URL of a list (GET with Range: bytes=0-0 where HEAD is refused) and load url, status, size, size_gb, content_type, last_modified, error, path, top_folder and top_folders into a dataset, to facet and sum. Resumable: answers are kept in DATASET.inventory.jsonl and URLs already answered are not asked again.")
        {
            urls, output, table, concurrency, perHost, timeout, retries, json,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(concurrency);
            var request = new InventoryRequest
            {
                UrlsFile = parse.GetValue(urls)!,
                Output = parse.GetValue(output)!,
                Table = parse.GetValue(table)!,
                Concurrency = n,
                Fetch = new FetchOptions
                {
                    Timeout = DurationText.Parse(parse.GetValue(timeout)!, "--timeout"),
                    Retries = parse.GetValue(retries),
                    PerHostLimit = parse.GetValue(perHost) is > 0 and var p ? p : n,
                },
            };
            var report = WorkProgress.Run(terminal, WebProgressDisplay.Inventory, (progress, cancel) => UrlInventory.Run(request, progress, cancel));
            var c = CultureInfo.InvariantCulture;
            if (parse.GetValue(json))
            {
                new JsonOutput(terminal.Out).WriteDocument(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("dataset", report.Dataset);
                    w.WriteString("table", report.Table);
                    w.WriteNumber("urls", report.Urls);
                    w.WriteNumber("requested", report.Requested);
                    w.WriteNumber("resumed", report.Resumed);
                    w.WriteNumber("answered", report.Answered);
                    w.WriteNumber("failed", report.Failed);
                    w.WriteNumber("total_bytes", report.TotalBytes);
                    w.WriteString("journal", report.Journal);
                    w.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
                    w.WriteEndObject();
                });
            }
            else
            {
                double s = report.Elapsed.TotalSeconds;
                terminal.Out.WriteLine($"{report.Dataset}: table {report.Table}: {report.Urls.ToString("N0", c)} URLs, {report.Requested.ToString("N0", c)} requested "
                    + $"({report.Resumed.ToString("N0", c)} answered earlier), {report.Answered.ToString("N0", c)} answered, {report.Failed.ToString("N0", c)} failed, "
                    + $"{(report.TotalBytes / 1e9).ToString("N2", c)} GB in all, in {s.ToString("0.0", c)} s"
                    + (s > 0 ? $" ({(report.Requested / s).ToString("N0", c)} URLs/s)" : ""));
            }
            return CliExitCode.Ok;
        });
        return command;
    }
}
