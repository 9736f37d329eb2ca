namespace Trawl.Web.Inventory;

/// <summary>How far an inventory is: URLs in the list, done (this run or an earlier one), answered and failed this run.</summary>
public sealed record InventoryProgress(long Total, long Done, long Answered, long Failed, long Resumed, string Phase);
