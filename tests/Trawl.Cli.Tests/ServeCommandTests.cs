using System.Text.RegularExpressions;

namespace Trawl.Cli.Tests;

public sealed class ServeCommandTests : IClassFixture<DemoDatasetFixture>
{
    private readonly DemoDatasetFixture _data;

    public ServeCommandTests(DemoDatasetFixture data) => _data = data;

    [Fact]
    public async Task Serve_prints_its_url_answers_there_and_stops_on_cancel()
    {
        _data.Ingest.Ok();
        var output = new StringWriter();
        var syncOut = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource();
        var terminal = new CliTerminal(syncOut, TextWriter.Synchronized(new StringWriter()), false, false, cancel.Token);
        Task<int> serving = Task.Run(() => Cli.Run(["serve", _data.Dataset, "--port", "0"], terminal));

        string? url = null;
        for (int i = 0; i < 600 && url is null && !serving.IsCompleted; i++)
        {
            await Task.Delay(50);
            string printed;
            // The synchronized writer locks on itself, so this reads a consistent buffer.
            lock (syncOut)
                printed = output.ToString();
            Match m = Regex.Match(printed, @"http://127\.0\.0\.1:\d+/");
            if (m.Success)
                url = m.Value;
        }
        Assert.True(url is not null, "no URL printed: " + output);
        using var http = new HttpClient();
        HttpResponseMessage response = await http.GetAsync(url + ".json");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {url}.json");
        Assert.Contains("sample", await response.Content.ReadAsStringAsync());

        cancel.Cancel();
        Assert.Equal(0, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Serve_of_a_missing_dataset_exits_1_naming_it()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("serve", tmp.Combine("absent.trawl"), "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("absent", run.Err);
    }

    [Fact]
    public void Serve_rejects_a_port_out_of_range()
    {
        Assert.Equal(1, CliRun.Of("serve", _data.Dataset, "--port", "70000").ExitCode);
    }
}
