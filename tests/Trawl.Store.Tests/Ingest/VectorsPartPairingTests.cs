using Trawl.Store.Ingest;

namespace Trawl.Store.Tests.Ingest;

public sealed class VectorsPartPairingTests
{
    private static Dictionary<string, IReadOnlyList<string>> Set(params string[] files) => new() { ["image"] = files };

    [Theory]
    [InlineData("metadata_0003.parquet", 3)]
    [InlineData("dir7/img_emb_12.npy", 12)]
    [InlineData("part-00010-of-00099.csv.gz", 99)]
    [InlineData("emb2_0.npz", 0)]
    public void Part_number_is_the_last_run_of_digits_in_the_file_name(string path, int expected) =>
        Assert.Equal(expected, (int)PartPairing.PartNumber(path)!.Value);

    [Fact]
    public void Pairs_by_number_whatever_the_order_and_zero_padding()
    {
        var pairs = PartPairing.Pair(["m_0000.parquet", "m_0001.parquet", "m_0010.parquet"], Set("e_10.npy", "e_0.npy", "e_1.npz:arr_0"));
        Assert.Equal(["e_0.npy", "e_1.npz:arr_0", "e_10.npy"], pairs.Select(p => p["image"]));
    }

    [Fact]
    public void Repeated_part_numbers_are_an_error_naming_both_files()
    {
        var e = Assert.Throws<UserErrorException>(() => PartPairing.Pair(["m_1.parquet", "m_01.parquet"], Set("e_1.npy", "e_2.npy")));
        Assert.Contains("m_1.parquet", e.Message);
        Assert.Contains("m_01.parquet", e.Message);
        var e2 = Assert.Throws<UserErrorException>(() => PartPairing.Pair(["m_1.parquet", "m_2.parquet"], Set("e_1.npy", "e_001.npy")));
        Assert.Contains("e_001.npy", e2.Message);
    }

    [Fact]
    public void A_file_name_without_digits_cannot_be_paired()
    {
        var e = Assert.Throws<UserErrorException>(() => PartPairing.Pair(["metadata.parquet"], Set("e_1.npy")));
        Assert.Contains("metadata.parquet", e.Message);
    }

    [Fact]
    public void One_source_with_one_hdf5_file_per_set_needs_no_part_number()
    {
        var pairs = PartPairing.Pair(["meta-300K.tsv"], new Dictionary<string, IReadOnlyList<string>> { ["emb"] = ["base.h5:emb"], ["pca32"] = ["pca-10M.h5:pca32"] });
        Assert.Equal("base.h5:emb", pairs[0]["emb"]);
        Assert.Equal("pca-10M.h5:pca32", pairs[0]["pca32"]);
        // .npy parts are still paired by number, even one of each.
        Assert.Throws<UserErrorException>(() => PartPairing.Pair(["meta_1.tsv"], new Dictionary<string, IReadOnlyList<string>> { ["emb"] = ["emb_2.npy"] }));
    }

    [Theory]
    [InlineData("metadata_0000", "metadata")]
    [InlineData("part-12", "part")]
    [InlineData("t_0001", "t_0001")]
    [InlineData("laion", "laion")]
    public void Table_name_for_parts_drops_the_part_number(string name, string expected) =>
        Assert.Equal(expected, PartPairing.StripPartNumber(name));
}
