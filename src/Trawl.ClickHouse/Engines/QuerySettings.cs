namespace Trawl.ClickHouse.Engines;

/// <summary>Per-query ClickHouse settings the engine passes along (URL parameters over HTTP, a SETTINGS clause in chDB).</summary>
public sealed record QuerySettings
{
    /// <summary>readonly=1: the server refuses writes and setting changes.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>max_execution_time in seconds (0: none).</summary>
    public int MaxExecutionSeconds { get; init; }

    /// <summary>max_result_rows with result_overflow_mode=break (0: none): the server stops after about this many rows.</summary>
    public long MaxResultRows { get; init; }

    /// <summary>Any other settings, by name (names are checked to be plain identifiers).</summary>
    public IReadOnlyDictionary<string, string> Other { get; init; } = new Dictionary<string, string>();

    internal IEnumerable<KeyValuePair<string, string>> All()
    {
        if (ReadOnly)
            yield return new("readonly", "1");
        if (MaxExecutionSeconds > 0)
            yield return new("max_execution_time", MaxExecutionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (MaxResultRows > 0)
        {
            yield return new("max_result_rows", MaxResultRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return new("result_overflow_mode", "break");
        }
        foreach (var kv in Other)
        {
            if (kv.Key.Length == 0 || !kv.Key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw new ArgumentException($"'{kv.Key}' is not a ClickHouse setting name");
            yield return kv;
        }
    }
}
