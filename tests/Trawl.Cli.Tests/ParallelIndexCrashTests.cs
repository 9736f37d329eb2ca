using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Testing;

namespace Trawl.Cli.Tests;

/// <summary>
/// A new table whose full-text index is built on two cores (enough text for the second thread to start), added to an
/// existing dataset by a real `trawl ingest` process that is killed with SIGKILL, or fails, on the second thread
/// (fts-side) or while the side index is being copied into the table's index (fts-merge): the dataset must be as it
/// was, with no trace of the new table, no journal left, and nothing left in the temporary folder the side index used;
/// the same ingest then succeeds. A failing ingest of a new dataset leaves no dataset.
/// </summary>
public sealed class ParallelIndexCrashTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    /// <summary>About 20 MB of text (the two-core build starts past 16 MB).</summary>
    private string WriteDocuments()
    {
        string path = _tmp.Combine("docs.jsonl");
        var rng = new Random(17);
        using var file = new StreamWriter(path, false, new UTF8Encoding(false));
        var text = new StringBuilder();
        for (int i = 0; i < 8000; i++)
        {
            text.Clear();
            for (int w = 0; w < 500; w++)
                text.Append(CultureInfo.InvariantCulture, $"w{rng.Next(rng.Next(4) == 0 ? 20 : 3000)} ");
            file.Write(string.Create(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"text\":\"{text}doc{i % 8}\"}}\n"));
        }
        return path;
    }

    private string CreateDataset()
    {
        string dataset = _tmp.Combine("d.trawl");
        string meta = _tmp.File("meta.csv", "id,caption\n" + string.Concat(Enumerable.Range(0, 500).Select(i => $"{i},caption {i} word{i % 3}\n")));
        CliRun.Of("ingest", dataset, meta, "--table", "meta").Ok();
        return dataset;
    }

    private Dictionary<string, string> Environment(string temp, string? failAt = null)
    {
        Directory.CreateDirectory(temp);
        // SQLite's own temporary folder (TMPDIR would also collect the .NET runtime's diagnostic pipes).
        var env = new Dictionary<string, string> { ["SQLITE_TMPDIR"] = temp };
        if (failAt is not null)
            env["TRAWL_TEST_INGEST_FAIL_AT"] = failAt;
        return env;
    }

    private static void CheckAsBefore(string dataset, string temp)
    {
        using (var ds = Dataset.Open(dataset))
        {
            Assert.Equal(["meta"], ds.ListTables().Select(t => t.Name));
            Assert.Equal(167, ds.CountRows(new TableQuery { Table = "meta", Search = "word1" }));
        }
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", cmd.ExecuteScalar());
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'docs%'";
            Assert.Equal(0L, cmd.ExecuteScalar());
        }
        Assert.False(File.Exists(Path.Combine(dataset, "meta.db-journal")));
        Assert.Empty(Directory.GetFiles(dataset, "*tmp*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFileSystemEntries(temp).Select(Path.GetFileName));
    }

    private void IngestAgain(string dataset, string documents)
    {
        var run = CliRun.Of("ingest", dataset, documents, "--table", "docs", "--search", "text", "--json").Ok();
        Assert.True(run.Json().GetProperty("fts_second_thread_rows").GetInt64() > 0, "the index should have been built on two threads");
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO docs_fts (docs_fts, rank) VALUES ('integrity-check', 1)";
        cmd.ExecuteNonQuery();
        cmd.CommandText = "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH 'doc3'";
        Assert.Equal(1000L, cmd.ExecuteScalar());
    }

    [SkippableTheory]
    [InlineData("fts-side")]
    [InlineData("fts-merge")]
    public void Killed_while_the_index_is_built_on_two_cores_leaves_the_dataset_as_it_was(string point)
    {
        Requirements.Require(System.Environment.ProcessorCount >= 2, "the two-core index build needs 2 or more cores");
        string documents = WriteDocuments();
        string dataset = CreateDataset();
        string temp = _tmp.Combine("sqlite-tmp");
        using (var ingest = PausedCli.Start(point, Environment(temp), "ingest", dataset, documents, "--table", "docs", "--search", "text"))
        {
            ingest.WaitUntilPaused(point);
            ingest.Kill();
        }
        CheckAsBefore(dataset, temp);
        IngestAgain(dataset, documents);
    }

    [SkippableTheory]
    [InlineData("fts-side")]
    [InlineData("fts-merge")]
    public void A_failure_while_the_index_is_built_on_two_cores_leaves_the_dataset_as_it_was(string point)
    {
        Requirements.Require(System.Environment.ProcessorCount >= 2, "the two-core index build needs 2 or more cores");
        string documents = WriteDocuments();
        string dataset = CreateDataset();
        string temp = _tmp.Combine("sqlite-tmp");
        using (var ingest = PausedCli.Start("", Environment(temp, point), "ingest", dataset, documents, "--table", "docs", "--search", "text"))
        {
            Assert.NotEqual(0, ingest.WaitForExit());
            Assert.Contains("a test fault at " + point, ingest.Stderr, StringComparison.Ordinal);
        }
        CheckAsBefore(dataset, temp);
        IngestAgain(dataset, documents);

        // A new dataset that fails the same way is not left behind.
        string fresh = _tmp.Combine("fresh.trawl");
        using (var ingest = PausedCli.Start("", Environment(temp, point), "ingest", fresh, documents, "--table", "docs", "--search", "text"))
            Assert.NotEqual(0, ingest.WaitForExit());
        Assert.False(Directory.Exists(fresh));
        Assert.Empty(Directory.GetFileSystemEntries(temp));
    }
}
