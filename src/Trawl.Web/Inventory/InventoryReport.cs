namespace Trawl.Web.Inventory;

/// <summary>The result of <c>trawl inventory</c>.</summary>
/// <param name="Urls">Distinct URLs in the list.</param>
/// <param name="Requested">URLs requested this run.</param>
/// <param name="Resumed">URLs answered by an earlier run and not asked again.</param>
/// <param name="Answered">URLs whose host answered (any status), over both runs.</param>
/// <param name="Failed">URLs with no answer (bad URL, network error, timeout), over both runs.</param>
/// <param name="TotalBytes">Sum of the sizes of the 2xx answers.</param>
/// <param name="Journal">The file recording every answer, which makes the inventory resumable.</param>
public sealed record InventoryReport(string Dataset, string Table, long Urls, long Requested, long Resumed, long Answered, long Failed, long TotalBytes, string Journal, TimeSpan Elapsed);
