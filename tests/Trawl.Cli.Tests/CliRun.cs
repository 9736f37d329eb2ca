namespace Trawl.Cli.Tests;

/// <summary>The outcome of running <c>trawl</c> in-process.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts success, showing stderr when it failed.</summary>
    public CliRun Ok()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Err}; stdout: {Out}");
        return this;
    }

    public System.Text.Json.JsonElement Json()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Out);
        return doc.RootElement.Clone();
    }
}
