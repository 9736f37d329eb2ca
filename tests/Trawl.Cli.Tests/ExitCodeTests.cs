using Trawl.Formats.Tables;
using Trawl.Store;

namespace Trawl.Cli.Tests;

public sealed class ExitCodeTests
{
    [Fact]
    public void User_errors_exit_1_with_the_message_only()
    {
        var err = new StringWriter();
        Assert.Equal(1, Cli.ReportFailure(new UserErrorException("no column 'x'"), err));
        Assert.Equal("trawl: no column 'x'\n", err.ToString().Replace("\r\n", "\n"));
        Assert.Equal(1, Cli.ReportFailure(new DataFormatException("a.csv", "bad quote", line: 3), new StringWriter()));
        Assert.Equal(1, Cli.ReportFailure(new FileNotFoundException("gone"), new StringWriter()));
    }

    [Fact]
    public void Internal_errors_exit_2_and_name_the_exception_type()
    {
        var err = new StringWriter();
        Assert.Equal(2, Cli.ReportFailure(new InvalidOperationException("boom"), err));
        Assert.Contains("System.InvalidOperationException", err.ToString());
        Assert.Contains("boom", err.ToString());
        Assert.DoesNotContain("   at ", err.ToString());
    }

    [Fact]
    public void Cancellation_exits_130()
    {
        Assert.Equal(130, Cli.ReportFailure(new OperationCanceledException(), new StringWriter()));
    }

    [Fact]
    public void A_missing_dataset_is_a_user_error()
    {
        using var tmp = new TempFolder();
        CliRun run = CliRun.Of("info", tmp.Combine("missing.trawl"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("missing", run.Err);
    }
}
