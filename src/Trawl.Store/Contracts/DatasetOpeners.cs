using Trawl.Store.Datasets;

namespace Trawl.Store.Contracts;

/// <summary>
/// The registry of backends, keyed by location: a path (NAME.trawl) goes to the embedded SQLite backend, a URI to
/// the backend registered for its scheme. Openers registered later are asked first, so a backend added at start-up
/// (e.g. <c>DatasetOpeners.Register(new ClickHouseDatasetOpener())</c>) takes the locations it handles. Thread-safe.
/// </summary>
public static class DatasetOpeners
{
    private static readonly Lock Gate = new();
    private static IDatasetOpener[] _openers = [new SqliteDatasetOpener()];

    /// <summary>The openers, most recently registered first.</summary>
    public static IReadOnlyList<IDatasetOpener> All => _openers;

    /// <summary>Adds a backend; registering the same opener type again replaces the earlier one.</summary>
    public static void Register(IDatasetOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        lock (Gate)
            _openers = [opener, .. _openers.Where(o => o.GetType() != opener.GetType())];
    }

    /// <summary>Opens <paramref name="location"/> with the first opener that handles it; a URI whose scheme no backend
    /// handles is a <see cref="UserErrorException"/> naming the backends there are.</summary>
    public static IDatasetSource Open(string location)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        foreach (var opener in _openers)
        {
            if (opener.Handles(location))
                return opener.Open(location);
        }
        throw new UserErrorException($"{location}: no backend opens this location (backends: {string.Join(", ", _openers.Select(o => o.Backend))})");
    }

    /// <summary>"scheme" of "scheme://...", or null for a plain path (a Windows drive letter is not a scheme).</summary>
    public static string? SchemeOf(string location)
    {
        int colon = location.IndexOf("://", StringComparison.Ordinal);
        return colon > 1 && location[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') ? location[..colon].ToLowerInvariant() : null;
    }
}
