namespace Trawl.Store.Contracts;

/// <summary>Opens datasets of one backend. Register one with <see cref="DatasetOpeners.Register"/>.</summary>
public interface IDatasetOpener
{
    /// <summary>The backend's name for messages, e.g. "sqlite" or "clickhouse".</summary>
    string Backend { get; }

    /// <summary>Whether <paramref name="location"/> is this backend's (by URI scheme; the embedded backend takes plain paths).</summary>
    bool Handles(string location);

    /// <summary>Opens the dataset; a missing or unreadable one is a <see cref="UserErrorException"/> naming it.</summary>
    IDatasetSource Open(string location);
}
