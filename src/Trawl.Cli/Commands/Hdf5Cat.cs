using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Hdf5;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl cat FILE.h5</c>: lists an HDF5 file's groups and datasets (shape, type, layout, chunks, filters, attributes), or prints a dataset's rows.</summary>
internal static class Hdf5Cat
{
    public static bool Handles(string path) => path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase);

    public static void List(CliTerminal terminal, string path, bool json)
    {
        using var f = Hdf5File.Open(path);
        var o = terminal.Out;
        if (json)
        {
            var doc = new
            {
                file = f.Path,
                superblockVersion = f.SuperblockVersion,
                attributes = f.Attributes.ToDictionary(a => a.Name, a => a.Display()),
                groups = f.Groups,
                datasets = f.Datasets.Select(d => new
                {
                    path = d.Path,
                    shape = d.Shape,
                    type = d.Type.ToString(),
                    layout = d.Layout.ToString().ToLowerInvariant(),
                    chunks = d.ChunkShape,
                    chunkIndex = d.ChunkIndex == Hdf5ChunkIndexKind.None ? null : d.ChunkIndex.ToString(),
                    filters = d.Filters.Select(x => x.ToString().ToLowerInvariant()),
                    unsupportedFilter = d.UnsupportedFilter,
                    attributes = d.Attributes.ToDictionary(a => a.Name, a => a.Display()),
                }),
            };
            o.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return;
        }
        o.WriteLine($"{f.Path} (HDF5, superblock version {f.SuperblockVersion})");
        foreach (var a in f.Attributes) o.WriteLine($"  @{a.Name} = {a.Display()}");
        foreach (var d in f.Datasets)
        {
            var line = new StringBuilder($"{d.Path}  ({string.Join(", ", d.Shape)})  {d.Type}  {d.Layout.ToString().ToLowerInvariant()}");
            if (d.ChunkShape is { } c) line.Append($" chunks ({string.Join(", ", c)})");
            if (d.Filters.Count > 0) line.Append("  " + string.Join("+", d.Filters.Select(x => x.ToString().ToLowerInvariant())));
            if (d.UnsupportedFilter is not null) line.Append("  [unreadable: " + d.UnsupportedFilter + "]");
            o.WriteLine(line.ToString());
            foreach (var a in d.Attributes) o.WriteLine($"  @{a.Name} = {a.Display()}");
        }
    }

    /// <summary>Prints rows of one dataset as JSON arrays (one line per row) or CSV; values as stored (knns stay 1-based).</summary>
    public static void Rows(CliTerminal terminal, string path, string dataset, long limit, bool csv, CancellationToken cancel)
    {
        using var f = Hdf5File.Open(path);
        var d = f.Dataset(dataset);
        if (d.Type.Class is not (Hdf5TypeClass.Integer or Hdf5TypeClass.Float))
            throw new Trawl.Store.UserErrorException($"{path}: dataset '{d.Path}' holds {d.Type}; only numeric datasets are printed");
        long rows = Math.Min(d.Rows, limit);
        long perBlock = Math.Max(1, (8L << 20) / Math.Max(1, d.RowBytes));
        var o = terminal.Out;
        var c = CultureInfo.InvariantCulture;
        if (csv) o.WriteLine(string.Join(",", Enumerable.Range(0, (int)Math.Min(d.RowElements, 100_000)).Select(i => "c" + i.ToString(c))));
        var sb = new StringBuilder();
        for (long r = 0; r < rows; r += perBlock)
        {
            cancel.ThrowIfCancellationRequested();
            long n = Math.Min(perBlock, rows - r);
            var raw = new byte[n * d.RowBytes];
            d.ReadRows(r, n, raw);
            for (long i = 0; i < n; i++)
            {
                sb.Clear();
                if (!csv && d.Shape.Length > 1) sb.Append('[');
                for (long j = 0; j < d.RowElements; j++)
                {
                    if (j > 0) sb.Append(csv ? "," : ", ");
                    long at = i * d.RowElements + j;
                    if (d.Type.Class == Hdf5TypeClass.Float)
                    {
                        double v = d.Type.Size == 2 ? (double)BitConverter.ToHalf(raw, (int)(at * 2)) : d.Type.Size == 4 ? BitConverter.ToSingle(raw, (int)(at * 4)) : BitConverter.ToDouble(raw, (int)(at * 8));
                        string text = d.Type.Size == 2 ? ((Half)v).ToString(c) : d.Type.Size == 4 ? ((float)v).ToString("R", c) : v.ToString("R", c);
                        sb.Append(double.IsFinite(v) ? text : csv ? text : "null");
                    }
                    else
                    {
                        var bytes = raw.AsSpan((int)(at * d.Type.Size), d.Type.Size);
                        sb.Append(d.Type.Size == 8 && !d.Type.Signed ? BitConverter.ToUInt64(bytes).ToString(c) : Int(bytes, d.Type).ToString(c));
                    }
                }
                if (!csv && d.Shape.Length > 1) sb.Append(']');
                o.WriteLine(sb.ToString());
            }
        }
    }

    private static long Int(ReadOnlySpan<byte> b, Hdf5DataType t) => (t.Size, t.Signed) switch
    {
        (1, true) => (sbyte)b[0],
        (1, false) => b[0],
        (2, true) => BitConverter.ToInt16(b),
        (2, false) => BitConverter.ToUInt16(b),
        (4, true) => BitConverter.ToInt32(b),
        (4, false) => BitConverter.ToUInt32(b),
        _ => BitConverter.ToInt64(b),
    };
}
