using Trawl.Cli.Demo;

namespace Trawl.Cli.Tests;

/// <summary>A small demo dataset built once per test class through <c>trawl ingest</c>: 4,000 LAION-like rows.</summary>
public sealed class DemoDatasetFixture : IDisposable
{
    public const int Rows = 4000;
    private readonly TempFolder _folder = new();

    public DemoDatasetFixture()
    {
        Csv = _folder.Combine("laion_sample.csv");
        DemoDataGenerator.WriteCsv(Csv, Rows, seed: 7);
        Dataset = _folder.Combine("sample.trawl");
        Ingest = CliRun.Of("ingest", Dataset, Csv, "--search", "TEXT", "--derive", "domain=URL", "--json");
    }

    public string Csv { get; }

    public string Dataset { get; }

    internal CliRun Ingest { get; }

    public void Dispose() => _folder.Dispose();
}
