namespace Trawl.Store.Columns;

/// <summary>How <see cref="SearchRanking.Top"/> finds the best rows.</summary>
internal enum RankingWalk
{
    /// <summary>By length when the matches are dense enough, else the scan.</summary>
    Auto,

    /// <summary>Score every match in row order.</summary>
    Scan,

    /// <summary>Rows shortest first, stopping once no longer row can make the top.</summary>
    ByLength,
}
