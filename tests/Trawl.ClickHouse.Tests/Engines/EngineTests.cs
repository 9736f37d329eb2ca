using Trawl.ClickHouse.Engines;
using Trawl.ClickHouse.Push;
using Trawl.ClickHouse.Sql;

namespace Trawl.ClickHouse.Tests.Engines;

[Collection(ClickHouseCollection.Name)]
public sealed class EngineTests(ClickHouseServers servers, ChdbSession chdb)
{
    public static readonly TheoryData<EngineKind> Kinds = new() { EngineKind.Server, EngineKind.Chdb };

    private static readonly string[] Hostile =
    [
        "plain", "it's", "back\\slash", "quote ' and \\' and \\\\'", "tab\tnew\nline\r", "nul\0byte", "{x:String}",
        "émoji 🐟 ü", "'); DROP TABLE t; --", "`backquote`", new string('x', 100_000),
    ];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Version_is_read_and_the_dialect_follows_it(EngineKind kind)
    {
        using var engine = Engines.NewDatabase(kind, servers, chdb, "ver");
        if (kind == EngineKind.Chdb)
            Assert.True(engine.Version.AtLeast(24, 0), engine.Version.ToString());
        else
            Assert.Equal(new ClickHouseVersion(18, 16), engine.Version);
        Assert.Equal(engine.Version.AtLeast(21, 11), SqlDialect.For(engine.Version).HasDistanceFunctions);
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Hostile_strings_round_trip_as_literals(EngineKind kind)
    {
        using var engine = Engines.NewDatabase(kind, servers, chdb, "lit");
        foreach (string s in Hostile)
        {
            var r = engine.Query($"SELECT {ClickHouseSql.String(s)} AS v, length(v)");
            Assert.Equal(s, r.Rows[0][0]);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Hostile_identifiers_name_tables_and_columns(EngineKind kind)
    {
        using var engine = Engines.NewDatabase(kind, servers, chdb, "ident");
        string table = ClickHouseSql.Identifier("t`a\\b'le");
        string column = "c`o\\l'umn 🐟";
        engine.Execute($"CREATE TABLE {table} (id Int64, {ClickHouseSql.Identifier(column)} String) ENGINE = MergeTree ORDER BY id");
        engine.InsertRowBinary(table, [new ColumnSpec("id", "Int64"), new ColumnSpec(column, "String")], s =>
        {
            var w = new RowBinaryWriter(s);
            w.WriteInt64(7);
            w.WriteString("seven");
            w.Flush();
        });
        var r = engine.Query($"SELECT {ClickHouseSql.Identifier(column)} FROM {table} WHERE id = 7");
        Assert.Equal("seven", r.Rows[0][0]);
        Assert.Equal(column, r.Columns[0].Name);
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void RowBinary_insert_keeps_nulls_numbers_strings_and_float_arrays(EngineKind kind)
    {
        using var engine = Engines.NewDatabase(kind, servers, chdb, "rb");
        engine.Execute("CREATE TABLE t (id Int64, s Nullable(String), x Nullable(Float64), n Int64, v Array(Float32)) ENGINE = MergeTree ORDER BY id");
        var rng = new Random(3);
        var vectors = new float[Hostile.Length][];
        engine.InsertRowBinary("t", [new("id", "Int64"), new("s", "Nullable(String)"), new("x", "Nullable(Float64)"), new("n", "Int64"), new("v", "Array(Float32)")], stream =>
        {
            var w = new RowBinaryWriter(stream, bufferBytes: 1000); // smaller than a row: exercises the flushes
            for (int i = 0; i < Hostile.Length; i++)
            {
                w.WriteInt64(i);
                w.WriteNullFlag(i % 3 == 0);
                if (i % 3 != 0)
                    w.WriteString(Hostile[i]);
                w.WriteNullFlag(i % 4 == 0);
                if (i % 4 != 0)
                    w.WriteFloat64(i * 1.5);
                w.WriteInt64(long.MinValue + i);
                vectors[i] = Enumerable.Range(0, 200 * i).Select(_ => (float)rng.NextDouble()).ToArray();
                w.WriteFloat32Array(vectors[i]);
            }
            w.Flush();
        });
        var r = engine.Query("SELECT id, s, x, n, v FROM t ORDER BY id");
        Assert.Equal(Hostile.Length, r.Rows.Count);
        for (int i = 0; i < Hostile.Length; i++)
        {
            var row = r.Rows[i];
            Assert.Equal((long)i, row[0]);
            Assert.Equal(i % 3 == 0 ? null : Hostile[i], row[1]);
            Assert.Equal(i % 4 == 0 ? null : i * 1.5, row[2]);
            Assert.Equal(long.MinValue + i, row[3]);
            Assert.Equal(vectors[i], ((object?[])row[4]!).Select(o => (float)(double)o!)); // JSON prints Float32 in its shortest float form
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Readonly_setting_refuses_writes(EngineKind kind)
    {
        using var engine = Engines.NewDatabase(kind, servers, chdb, "ro");
        var e = Assert.Throws<ClickHouseException>(() =>
            engine.Execute("CREATE TABLE x (a UInt8) ENGINE = Memory", new QuerySettings { ReadOnly = true }));
        Assert.Equal(164, e.Code);
    }

    [SkippableFact]
    public void A_server_error_names_the_server_and_keeps_its_code()
    {
        using var engine = servers.NewDatabase("err");
        var e = Assert.Throws<ClickHouseException>(() => engine.Query("SELECT nonsense("));
        Assert.Equal(62, e.Code);
        Assert.Contains(engine.Location, e.Message);
    }

    [Fact]
    public void Nothing_listening_is_a_clear_error()
    {
        var e = Assert.Throws<ClickHouseException>(() => ClickHouseHttpEngine.Open(new ClickHouseUri("127.0.0.1", 1, "default", null)));
        Assert.Contains("cannot reach", e.Message);
    }
}
