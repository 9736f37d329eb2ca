using System.Text;
using Trawl.Store.Columns;

namespace Trawl.Store.Tests.Columns;

public sealed class ColumnDictionaryBuilderTests
{
    [Fact]
    public void A_column_gives_up_its_dictionary_at_the_entry_cap_or_the_byte_budget_whichever_comes_first()
    {
        var byEntries = new ColumnDictionaryBuilder(maxEntries: 3, maxPayloadBytes: 1 << 20);
        Assert.Equal([0, 1, 2, 1, -1], new[] { "a", "b", "c", "b", "d" }.Select(v => byEntries.Code(StoredValueKind.Text, Encoding.UTF8.GetBytes(v))));

        // Each entry costs its bytes plus one (the kind): 10 + 10 fit in 25, a third does not; known values still code.
        var byBytes = new ColumnDictionaryBuilder(maxEntries: 100, maxPayloadBytes: 25);
        string[] values = ["aaaaaaaaa", "bbbbbbbbb", "ccccccccc", "aaaaaaaaa"];
        Assert.Equal([0, 1, -1, 0], values.Select(v => byBytes.Code(StoredValueKind.Text, Encoding.UTF8.GetBytes(v))));
    }
}
