namespace Trawl.Store.Ingest;

/// <summary>
/// Named points of an ingest where a crash test stops it: when the environment variable
/// <c>TRAWL_TEST_INGEST_PAUSE_AT</c> names the point (or a comma list of points), the ingest writes
/// "paused at NAME" to stderr and waits there for a line on stdin, so the test can kill the process (kill -9)
/// at exactly that moment, or look at the dataset from outside and let the ingest go on. Unset, nothing happens.
/// </summary>
internal static class IngestPausePoint
{
    public const string Variable = "TRAWL_TEST_INGEST_PAUSE_AT";

    /// <summary>Rows of the first batch are inserted (the SQLite transaction is open).</summary>
    public const string Rows = "rows";

    /// <summary>The new rows are in the FTS index, bookkeeping not written yet.</summary>
    public const string Fts = "fts";

    /// <summary>The second thread building a new table's full-text index (<see cref="FullText.FtsSideIndex"/>) has
    /// indexed its first run of rows (reached on that thread, once).</summary>
    public const string FtsSide = "fts-side";

    /// <summary>The side index's pages are copied into the table's index; its structure record, which lists them, is
    /// not written yet.</summary>
    public const string FtsMerge = "fts-merge";

    /// <summary>Vector rows are written (past the committed count or into pending files); SQLite not committed.</summary>
    public const string Vectors = "vectors";

    /// <summary>SQLite has committed; vector headers are not published or pending files not renamed yet.</summary>
    public const string Commit = "commit";

    /// <summary>The column and ranking files hold the new rows and are renamed into place; the manifest that commits
    /// them is not written yet.</summary>
    public const string Columns = "columns";

    /// <summary><c>trawl embed</c> has made a batch durable in its work folder (reached after every batch).</summary>
    public const string EmbedBatch = "embed-batch";

    /// <summary><c>trawl export</c> has published its first part and written rows into the next, still under its temporary name (reached once).</summary>
    public const string ExportPartial = "export-partial";

    private static readonly string[] Chosen = (Environment.GetEnvironmentVariable(Variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    private static int _reachedRows, _reachedExport, _reachedFtsSide;

    public static void Reach(string name)
    {
        if (Chosen.Length == 0 || !Chosen.Contains(name, StringComparer.Ordinal))
            return;
        // Rows are reached once per batch; the first one is enough.
        if (name == Rows && Interlocked.Exchange(ref _reachedRows, 1) == 1)
            return;
        if (name == ExportPartial && Interlocked.Exchange(ref _reachedExport, 1) == 1)
            return;
        if (name == FtsSide && Interlocked.Exchange(ref _reachedFtsSide, 1) == 1)
            return;
        Console.Error.WriteLine($"paused at {name}");
        Console.Error.Flush();
        Console.In.ReadLine();
    }
}
