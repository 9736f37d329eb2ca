using System.Text.Json;
using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;
using Trawl.Testing;

namespace Trawl.Formats.Tests.Parquet;

public sealed class ParquetFlattenTests
{
    [SkippableFact]
    public void Flatten_opens_structs_into_parent_child_columns_and_keeps_lists_as_json()
    {
        string dir = Requirements.SharedData("parquet-testing/data");
        using var reader = ParquetTableReader.Open(Path.Combine(dir, "nonnullable.impala.parquet"), new TableReaderOptions { Flatten = true });
        var names = reader.Schema.Columns.Select(c => c.Name).ToList();
        Assert.Contains("nested_Struct_a", names);
        Assert.Contains("nested_Struct_c_D", names);
        Assert.DoesNotContain("nested_Struct", names);
        var rows = ParquetTestData.ReadAll(reader);
        Assert.Equal(-1L, rows[0][names.IndexOf("nested_Struct_a")]);
        Assert.Equal("[[{\"e\":-1,\"f\":\"nonnullable\"}]]", rows[0][names.IndexOf("nested_Struct_c_D")]);
        Assert.Equal(ColumnType.Json, reader.Schema.Columns[names.IndexOf("Int_Array")].Type);
    }

    [SkippableFact]
    public void Flattened_columns_agree_with_the_json_of_the_whole_struct()
    {
        string dir = Requirements.SharedData("parquet-testing/data");
        string path = Path.Combine(dir, "nullable.impala.parquet");
        var flat = ParquetTestData.ReadAll(path, new TableReaderOptions { Flatten = true, Columns = ["nested_struct_A", "nested_struct_C_d"] });
        var whole = ParquetTestData.ReadAll(path, new TableReaderOptions { Columns = ["nested_struct"] });
        Assert.Equal(whole.Count, flat.Count);
        for (int r = 0; r < whole.Count; r++)
        {
            if (whole[r][0] is null)
            {
                // A null struct gives nulls in every column opened from it.
                Assert.All(flat[r], Assert.Null);
                continue;
            }
            using var doc = JsonDocument.Parse((string)whole[r][0]!);
            var a = doc.RootElement.GetProperty("A");
            Assert.Equal(a.ValueKind == JsonValueKind.Null ? null : a.GetInt64(), (long?)flat[r][0]);
            var c = doc.RootElement.GetProperty("C");
            string? d = c.ValueKind == JsonValueKind.Null || c.GetProperty("d").ValueKind == JsonValueKind.Null ? null : c.GetProperty("d").GetRawText();
            Assert.Equal(d, (string?)flat[r][1]);
        }
    }
}
