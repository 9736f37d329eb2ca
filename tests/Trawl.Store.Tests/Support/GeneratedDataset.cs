using Trawl.Store.Datasets;
using Trawl.Store.Ingest;

namespace Trawl.Store.Tests.Support;

/// <summary>One generated dataset (2,000 rows) shared by the query tests of a class.</summary>
public sealed class GeneratedDataset : IDisposable
{
    public GeneratedDataset()
    {
        Rows = new GeneratedRows(2000);
        string csv = CsvFile.Write(Temp.File("items.csv"), GeneratedRows.Header, Rows.Rows);
        Report = DatasetIngest.Run(Temp.Dataset(), new IngestRequest { Sources = [csv] });
        Dataset = Dataset.Open(Temp.Dataset());
    }

    public TempDir Temp { get; } = new();
    public GeneratedRows Rows { get; }
    public IngestReport Report { get; }
    public Dataset Dataset { get; }

    public void Dispose()
    {
        Dataset.Dispose();
        Temp.Dispose();
    }
}
