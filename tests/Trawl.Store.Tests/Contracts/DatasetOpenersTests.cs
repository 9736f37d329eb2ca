using Trawl.Store.Contracts;
using Trawl.Store.Datasets;
using Trawl.Store.Tests.Support;

namespace Trawl.Store.Tests.Contracts;

public sealed class DatasetOpenersTests
{
    /// <summary>A backend that only records what it was asked to open (a real second backend registers the same way).</summary>
    private sealed class RecordingOpener : IDatasetOpener
    {
        public string? Opened { get; private set; }
        public string Backend => "recording";
        public bool Handles(string location) => DatasetOpeners.SchemeOf(location) == "recording";
        public IDatasetSource Open(string location)
        {
            Opened = location;
            throw new UserErrorException($"{location}: recorded");
        }
    }

    [Theory]
    [InlineData("clickhouse://localhost:9000/laion", "clickhouse")]
    [InlineData("FILE:///tmp/x.trawl", "file")]
    [InlineData("/data/x.trawl", null)]
    [InlineData("x.trawl", null)]
    [InlineData("C:\\data\\x.trawl", null)]
    [InlineData("weird name://not a scheme", null)]
    public void Scheme_is_read_from_uris_only(string location, string? scheme) => Assert.Equal(scheme, DatasetOpeners.SchemeOf(location));

    [Fact]
    public void Paths_open_with_sqlite_and_a_registered_backend_takes_its_scheme()
    {
        using var temp = new TempDir();
        Assert.Contains("no such dataset", Assert.Throws<UserErrorException>(() => DatasetOpeners.Open(temp.Dataset("missing"))).Message);
        Assert.Contains("no backend opens", Assert.Throws<UserErrorException>(() => DatasetOpeners.Open("recording://x")).Message);

        var opener = new RecordingOpener();
        DatasetOpeners.Register(opener);
        Assert.Contains("recorded", Assert.Throws<UserErrorException>(() => DatasetOpeners.Open("recording://host/db")).Message);
        Assert.Equal("recording://host/db", opener.Opened);
        Assert.IsType<RecordingOpener>(DatasetOpeners.All[0]);
        Assert.Contains(DatasetOpeners.All, o => o is SqliteDatasetOpener);
        // Registering the same kind again replaces it rather than stacking.
        DatasetOpeners.Register(new RecordingOpener());
        Assert.Single(DatasetOpeners.All, o => o is RecordingOpener);
        // Paths still reach SQLite.
        Assert.Contains("no such dataset", Assert.Throws<UserErrorException>(() => DatasetOpeners.Open(temp.Dataset("missing"))).Message);
    }
}
