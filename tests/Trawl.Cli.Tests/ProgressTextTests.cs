using Trawl.Cli.Progress;
using Trawl.Store.Ingest;

namespace Trawl.Cli.Tests;

public sealed class ProgressTextTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(950, "950")]
    [InlineData(12_345, "12k")]
    [InlineData(1_234, "1.2k")]
    [InlineData(1_234_567, "1.2M")]
    [InlineData(123_456_789, "123M")]
    public void Counts_are_short(long n, string expected)
    {
        Assert.Equal(expected, IngestProgressDisplay.Count(n));
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(2_500, "2.5 KB")]
    [InlineData(110_000_000, "110 MB")]
    public void Byte_sizes_use_decimal_units(long bytes, string expected)
    {
        Assert.Equal(expected, IngestProgressDisplay.Bytes(bytes));
    }

    [Fact]
    public void Short_progress_leaves_room_for_the_bar_on_80_columns()
    {
        var p = new IngestProgress("read", "/data/a-very-long-source-file-name-part-00017.csv.gz", 123_456_789, 987_654_321, 12_345_678);
        string text = IngestProgressDisplay.DescribeShort(p, TimeSpan.FromSeconds(100));
        Assert.True(text.Length <= 52, text);
        Assert.Contains("123 MB/988 MB", text);
        Assert.Contains("12M rows", text);
    }

    [Fact]
    public void Plain_progress_lines_name_the_source_rows_and_rate()
    {
        var p = new IngestProgress("read", "/data/part-1.csv", 50, 100, 2000);
        string text = IngestProgressDisplay.Describe(p, TimeSpan.FromSeconds(2));
        Assert.Contains("part-1.csv", text);
        Assert.Contains("2,000 rows", text);
        Assert.Contains("1,000 rows/s", text);
    }

    [Fact]
    public void Quick_ingests_print_no_progress_when_stderr_is_not_a_terminal()
    {
        var err = new StringWriter();
        var terminal = new CliTerminal(new StringWriter(), err, false, false, CancellationToken.None);
        var report = new IngestReport("t", 1, 1, 0, 0, [], TimeSpan.Zero);
        IngestReport result = IngestProgressDisplay.Run(terminal, (progress, _) =>
        {
            progress.Report(new IngestProgress("read", "x.csv", 1, 2, 1));
            return report;
        });
        Assert.Same(report, result);
        Assert.Equal("", err.ToString());
    }

    [Fact]
    public void Ingest_failures_surface_as_their_own_exception()
    {
        var terminal = new CliTerminal(new StringWriter(), new StringWriter(), false, false, CancellationToken.None);
        Assert.Throws<Trawl.Store.UserErrorException>(() =>
            IngestProgressDisplay.Run(terminal, (_, _) => throw new Trawl.Store.UserErrorException("bad")));
    }
}
