using Trawl.ClickHouse.Engines;
using Trawl.Store;
using Trawl.Store.Contracts;

namespace Trawl.ClickHouse.Datasets;

/// <summary>Opens <c>clickhouse://HOST:8123/DB</c> as a dataset: the database's pushed tables. A password, when the server
/// needs one, comes from the file named by $TRAWL_CLICKHOUSE_PASSWORD_FILE (never from the URI).</summary>
public sealed class ClickHouseDatasetOpener : IDatasetOpener
{
    public const string PasswordFileVariable = "TRAWL_CLICKHOUSE_PASSWORD_FILE";

    public string Backend => "clickhouse";

    public bool Handles(string location) => ClickHouseUri.IsClickHouseUri(location);

    public IDatasetSource Open(string location)
    {
        var uri = ClickHouseUri.Parse(location);
        string? password = null;
        if (Environment.GetEnvironmentVariable(PasswordFileVariable) is { Length: > 0 } file)
        {
            try
            {
                password = File.ReadLines(file).FirstOrDefault() ?? "";
            }
            catch (IOException e)
            {
                throw new UserErrorException($"{file} (${PasswordFileVariable}): cannot read the password ({e.Message})", e);
            }
        }
        return new ClickHouseDataset(ClickHouseHttpEngine.Open(uri, password, TimeSpan.FromMinutes(5)), location);
    }
}
