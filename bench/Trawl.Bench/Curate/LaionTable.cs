using Microsoft.Data.Sqlite;
using Parquet;
using Parquet.Schema;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;

namespace Trawl.Bench.Curate;

/// <summary>A dataset table read into typed column arrays, so Parquet writers can be timed on the same rows without SQLite.</summary>
internal sealed class LaionTable
{
    private readonly List<(string Name, ColumnType Type, Array Values)> _columns = [];
    private int _rows;

    public static LaionTable Read(string dataset)
    {
        var t = new LaionTable();
        using var conn = new SqliteConnection($"Data Source={Path.Combine(dataset, "meta.db")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        var types = new List<(string, string)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT \"column\", sql_type FROM _trawl_columns WHERE \"table\" = 'items' ORDER BY position";
            using var r = cmd.ExecuteReader();
            while (r.Read()) types.Add((r.GetString(0), r.GetString(1)));
        }
        int rows = (int)(long)new SqliteCommand("SELECT count(*) FROM items", conn).ExecuteScalar()!;
        t._rows = rows;
        foreach (var (name, sql) in types)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT \"{name}\" FROM items ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            int i = 0;
            switch (sql.ToUpperInvariant())
            {
                case "INTEGER":
                {
                    var v = new long?[rows];
                    while (r.Read()) v[i++] = r.IsDBNull(0) ? null : r.GetInt64(0);
                    t._columns.Add((name, ColumnType.Int64, v));
                    break;
                }
                case "REAL":
                {
                    var v = new double?[rows];
                    while (r.Read()) v[i++] = r.IsDBNull(0) ? null : r.GetDouble(0);
                    t._columns.Add((name, ColumnType.Double, v));
                    break;
                }
                default:
                {
                    var v = new string?[rows];
                    while (r.Read()) v[i++] = r.IsDBNull(0) ? null : r.GetString(0);
                    t._columns.Add((name, ColumnType.Text, v));
                    break;
                }
            }
        }
        return t;
    }

    public void WriteOurs(string path)
    {
        using var stream = File.Create(path);
        using var w = ParquetFileWriter.Create(stream, _columns.Select(c => new ParquetWriteColumn(c.Name, c.Type)).ToList());
        for (int r = 0; r < _rows; r++)
        {
            for (int c = 0; c < _columns.Count; c++)
            {
                switch (_columns[c].Values)
                {
                    case long?[] l: if (l[r] is { } lv) w.WriteInt64(c, lv); else w.WriteNull(c); break;
                    case double?[] d: if (d[r] is { } dv) w.WriteDouble(c, dv); else w.WriteNull(c); break;
                    case string?[] s: if (s[r] is { } sv) w.WriteString(c, sv); else w.WriteNull(c); break;
                }
            }
            w.EndRow();
        }
        w.Finish();
    }

    /// <summary>Parquet.Net with the same row-group size as ours (122,880 rows) and Snappy.</summary>
    public async Task WriteParquetNet(string path)
    {
        var fields = _columns.Select(c => c.Type switch
        {
            ColumnType.Int64 => (DataField)new DataField<long?>(c.Name),
            ColumnType.Double => new DataField<double?>(c.Name),
            _ => new DataField<string>(c.Name, true),
        }).ToArray();
        var schema = new ParquetSchema(fields);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
        const int group = 122_880;
        for (int start = 0; start < _rows; start += group)
        {
            int n = Math.Min(group, _rows - start);
            using var rg = writer.CreateRowGroup();
            for (int c = 0; c < _columns.Count; c++)
            {
                switch (_columns[c].Values)
                {
                    case long?[] l: await rg.WriteAsync(fields[c], new ReadOnlyMemory<long?>(l, start, n)); break;
                    case double?[] d: await rg.WriteAsync(fields[c], new ReadOnlyMemory<double?>(d, start, n)); break;
                    case string?[] s: await rg.WriteAsync(fields[c], (IReadOnlyCollection<string>)new ArraySegment<string?>(s, start, n)!); break;
                }
            }
            rg.CompleteValidate();
        }
    }
}
