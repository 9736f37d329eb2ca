namespace Trawl.Store.Export;

/// <summary>What an export wrote.</summary>
/// <param name="Files">Every file written, relative to the folder, in order.</param>
public sealed record ExportReport(string Folder, ExportFormat Format, long Rows, int Parts, IReadOnlyList<string> Files, long Bytes, TimeSpan Elapsed);

/// <summary>How an export is going: rows written of rows selected.</summary>
public sealed record ExportProgress(long Rows, long Total);
