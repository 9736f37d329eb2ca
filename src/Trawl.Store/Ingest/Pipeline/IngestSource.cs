using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>One source of an ingest as the sinks see it: its position in the request, its file and columns, and
/// for each table column the lane its values come from (<see cref="Bound"/>).</summary>
internal sealed record IngestSource(int Index, string Path, TableSchema Schema, IReadOnlyList<BoundColumn> Bound, long? RowCount);

/// <summary>A table column and the batch lane that fills it (a source column, or a derived lane).</summary>
internal sealed record BoundColumn(TargetColumn Column, int Lane);
