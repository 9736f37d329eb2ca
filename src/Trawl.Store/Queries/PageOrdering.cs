namespace Trawl.Store.Queries;

/// <summary>How the rows of a page are ordered, so pages and JSON can say it.</summary>
public enum PageOrdering
{
    /// <summary>By row id (no sort and no search).</summary>
    RowId,
    /// <summary>By the sort column, row id breaking ties.</summary>
    Column,
    /// <summary>By search relevance (bm25), most relevant first.</summary>
    Relevance,
    /// <summary>A search with more matches than are ranked: in row id order, not by relevance.</summary>
    RowIdUnranked,
}
