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

    [Fact]
    public void Codes_stay_first_seen_through_growth_and_kinds_with_equal_bytes_stay_apart()
    {
        // 50,000 values of four kinds (an integer and a text with the same bytes are different values), each seen
        // twice in a shuffled order: every value keeps the code of its first sighting, as a dictionary oracle says.
        var builder = new ColumnDictionaryBuilder(maxEntries: 1 << 20);
        var oracle = new Dictionary<(StoredValueKind, string), int>();
        var random = new Random(7);
        var values = new List<(StoredValueKind Kind, byte[] Payload)>();
        for (int i = 0; i < 50_000; i++)
        {
            var kind = (i % 4) switch { 0 => StoredValueKind.Integer, 1 => StoredValueKind.Text, 2 => StoredValueKind.Blob, _ => StoredValueKind.Null };
            byte[] payload = kind == StoredValueKind.Null ? [] : Encoding.UTF8.GetBytes((i / 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            values.Add((kind, payload));
            values.Add((kind, payload));
        }
        foreach (var (kind, payload) in values.OrderBy(_ => random.Next()))
        {
            var key = (kind, Convert.ToHexString(payload));
            int expected = oracle.TryGetValue(key, out int known) ? known : oracle[key] = oracle.Count;
            Assert.Equal(expected, builder.Code(kind, payload));
        }
        Assert.Equal(oracle.Count, builder.Count);
    }
}
