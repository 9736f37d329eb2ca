using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Trawl.Cli.Tests;

/// <summary><c>-</c> and <c>/dev/stdin</c> as a source for ingest and cat.</summary>
public sealed class StandardInputTests
{
    private const string Csv = "name,score\nDwayne 'The Rock' Johnson,3\nAda,5\n";

    private static CliRun WithInput(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error, new MemoryStream(Encoding.UTF8.GetBytes(input)));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Ingest_dash_reads_standard_input_into_a_table_named_stdin()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("s.trawl");
        JsonElement report = WithInput(Csv, "ingest", dataset, "-", "--format", "csv", "--json").Ok().Json();
        Assert.Equal("stdin", report.GetProperty("table").GetString());
        Assert.Equal(2, report.GetProperty("rows_kept").GetInt64());
        string rows = CliRun.Of("sql", dataset, "SELECT name FROM stdin ORDER BY rowid", "--json").Ok().Out;
        Assert.Contains("Dwayne 'The Rock' Johnson", rows);
    }

    [Fact]
    public void Ingest_dev_stdin_without_format_sniffs_and_takes_table()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("s.trawl");
        JsonElement report = WithInput("{\"a\": 1}\n{\"a\": 2}\n", "ingest", dataset, "/dev/stdin", "--table", "t", "--json").Ok().Json();
        Assert.Equal("t", report.GetProperty("table").GetString());
        Assert.Equal(2, report.GetProperty("rows_kept").GetInt64());
    }

    [Fact]
    public void Ingest_of_empty_standard_input_is_a_user_error_and_leaves_no_folder()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("s.trawl");
        CliRun run = WithInput("", "ingest", dataset, "-", "--format", "csv");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("standard input", run.Err);
        Assert.False(Directory.Exists(dataset));
    }

    [Fact]
    public void Ingest_of_bad_standard_input_leaves_no_folder()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("s.trawl");
        CliRun run = WithInput("a,b\n1,2\n3\n", "ingest", dataset, "-", "--format", "csv");
        Assert.Equal(1, run.ExitCode);
        Assert.False(Directory.Exists(dataset));
    }

    [Fact]
    public void Cat_dash_prints_standard_input_rows()
    {
        string output = WithInput(Csv, "cat", "-", "--input-format", "csv").Ok().Out;
        Assert.Contains("\"name\":\"Dwayne 'The Rock' Johnson\"", output);
    }

    [Fact]
    public void Standard_input_must_be_the_only_source()
    {
        using var tmp = new TempFolder();
        string other = tmp.File("a.csv", "x\n1\n");
        CliRun run = WithInput(Csv, "ingest", tmp.Combine("s.trawl"), other, "-");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("only source", run.Err);
    }

    /// <summary>The bug as reported: a real pipe into `trawl ingest s.trawl /dev/stdin --format csv` was exit 2
    /// "Stream does not support seeking" and left a folder without meta.db.</summary>
    [Fact]
    public async Task Ingest_dev_stdin_from_a_real_pipe_succeeds()
    {
        using var tmp = new TempFolder();
        string dataset = tmp.Combine("s.trawl");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Cli).Assembly.Location);
        foreach (string a in new[] { "ingest", dataset, "/dev/stdin", "--format", "csv" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync(Csv);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        string err = await stderr;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {err}");
        Assert.Contains("2 kept", await stdout);
        Assert.True(File.Exists(Path.Combine(dataset, "meta.db")));
    }
}
