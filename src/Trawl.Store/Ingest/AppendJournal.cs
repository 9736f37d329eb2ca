namespace Trawl.Store.Ingest;

/// <summary>How an ingest wrote meta.db (see <see cref="Storage.ReaderPresence"/>).</summary>
public enum AppendJournal
{
    /// <summary>A new dataset, built in a temporary file and renamed into place.</summary>
    NewDataset,

    /// <summary>In place, WAL: readers were open and kept answering.</summary>
    WriteAheadLog,

    /// <summary>In place, rollback journal: nobody was reading, and only changed pages were copied aside.</summary>
    RollbackJournal,
}
