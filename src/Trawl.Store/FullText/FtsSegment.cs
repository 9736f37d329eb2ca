namespace Trawl.Store.FullText;

/// <summary>One segment of an FTS5 index: its id (1–65535, the top bits of its pages' <c>%_data</c> rowids) and
/// its first and last leaf page.</summary>
internal readonly record struct FtsSegment(int Id, int FirstPage, int LastPage);
