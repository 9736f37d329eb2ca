namespace Trawl.Store.Ingest;

/// <summary>
/// Named points where a failure test makes the ingest fail as a real fault there would (a full disk, an SQLite
/// error): when the environment variable <c>TRAWL_TEST_INGEST_FAIL_AT</c> names the point (the names of
/// <see cref="IngestPausePoint"/>), an <see cref="IOException"/> is thrown there, so the test can check that the
/// dataset is as it was and nothing is left behind. Unset, nothing happens.
/// </summary>
internal static class IngestFaultPoint
{
    public const string Variable = "TRAWL_TEST_INGEST_FAIL_AT";

    private static readonly string[] Chosen = (Environment.GetEnvironmentVariable(Variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void Reach(string name)
    {
        if (Chosen.Length != 0 && Chosen.Contains(name, StringComparer.Ordinal))
            throw new IOException($"a test fault at {name} ({Variable})");
    }
}
