using System.Globalization;
using System.Text;
using Trawl.Formats.Hdf5;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;

namespace Trawl.Store.Sisap;

/// <summary>
/// <c>trawl sisap subset</c>: the challenge's subsets built from LAION parts. Parts are ordered by their part number;
/// parts first..last (1-based, inclusive) are concatenated in order, keeping the rows whose metadata NSFW value is
/// present and not "NSFW" (the seed's Julia mask <c>!ismissing(NSFW) &amp;&amp; NSFW != "NSFW"</c>). The embeddings are
/// streamed into an HDF5 <c>emb</c> float16 dataset (n × d) part by part, block by block, so memory stays bounded
/// whatever the subset size; <c>--meta-out</c> writes the kept rows' metadata as TSV in the same order.
/// </summary>
public static class SisapSubset
{
    private const int BlockRows = 8192;

    public sealed record Report(string Path, long Rows, long RowsRead, int Dimension, int Parts, string? MetaPath);

    public static Report Run(IReadOnlyList<string> embeddingParts, IReadOnlyList<string> metadataParts, int first, int last, string outPath, string? metaOut,
        IProgress<SisapProgress>? progress = null, CancellationToken cancel = default)
    {
        var embeddings = ByPartNumber(embeddingParts, "--parts");
        var metadata = ByPartNumber(metadataParts, "--metadata");
        if (embeddings.Count != metadata.Count)
            throw new UserErrorException($"{embeddings.Count} embedding parts but {metadata.Count} metadata parts; each part needs both");
        if (first < 1 || last < first || last > embeddings.Count)
            throw new UserErrorException($"--range {first}-{last} is outside the {embeddings.Count} parts found (1-{embeddings.Count})");
        for (int i = 0; i < embeddings.Count; i++)
            if (embeddings[i].Number != metadata[i].Number)
                throw new UserErrorException($"{embeddings[i].Path} (part {embeddings[i].Number}) has no metadata part with the same number (its place holds {metadata[i].Path})");

        long kept = 0, read = 0;
        int dim = 0;
        using var writer = Hdf5Writer.Create(outPath);
        Hdf5DatasetWriter? emb = null;
        string? metaTemp = metaOut is null ? null : Path.GetFullPath(metaOut) + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        StreamWriter? meta = metaTemp is null ? null : new StreamWriter(metaTemp, false, new UTF8Encoding(false), 1 << 20);
        try
        {
            for (int p = first - 1; p < last; p++)
            {
                cancel.ThrowIfCancellationRequested();
                string embPath = embeddings[p].Path, metaPath = metadata[p].Path;
                using var part = OpenPart(embPath, outPath);
                var npy = part.Npy;
                if (npy.Shape.Count != 2 || npy.Type is not (NpyFile.ElementType.Float16 or NpyFile.ElementType.Float32))
                    throw new DataFormatException(embPath, $"expected a 2-D float16 or float32 array of embeddings, got {npy.Type} of shape ({string.Join(", ", npy.Shape)})");
                int d = (int)npy.Shape[1];
                if (emb is null)
                {
                    dim = d;
                    emb = writer.AddDataset("emb", Hdf5DataType.Float16, dim);
                }
                else if (d != dim)
                    throw new UserErrorException($"{embPath} has dimension {d} but earlier parts have {dim}");
                using var reader = TableReaders.Open(metaPath);
                int nsfw = reader.Schema.IndexOf("NSFW");
                if (nsfw < 0) nsfw = reader.Schema.Columns.Select((c, i) => (c, i)).FirstOrDefault(t => t.c.Name.Equals("nsfw", StringComparison.OrdinalIgnoreCase), (null!, -1)).Item2;
                if (nsfw < 0) throw new UserErrorException($"{metaPath} has no NSFW column (columns: {string.Join(", ", reader.Schema.Columns.Select(c => c.Name))})");
                if (reader.RowCount is { } declared && declared != npy.Rows)
                    throw new UserErrorException($"{metaPath} has {declared} rows but {embPath} has {npy.Rows} embeddings; each part's rows and embeddings must match one to one");
                if (meta is not null && p == first - 1)
                    meta.WriteLine(string.Join('\t', reader.Schema.Columns.Select(c => Clean(c.Name))));
                long row = 0;
                var batch = new ColumnBatch(reader.Schema.Count);
                var halves = new Half[BlockRows * dim];
                int pending = 0;
                var keptRows = new List<long>(BlockRows);
                while (reader.ReadBatch(batch, BlockRows))
                {
                    cancel.ThrowIfCancellationRequested();
                    keptRows.Clear();
                    var flags = batch[nsfw];
                    for (int i = 0; i < batch.RowCount; i++)
                    {
                        if (flags.IsNull(i)) continue;
                        if (flags.KindAt(i) == ValueKind.Text && flags.BytesAt(i).SequenceEqual("NSFW"u8)) continue;
                        keptRows.Add(row + i);
                        if (meta is not null) WriteRow(meta, batch, i);
                    }
                    if (row + batch.RowCount > npy.Rows)
                        throw new UserErrorException($"{metaPath} has more rows than {embPath} has embeddings ({npy.Rows}); each part's rows and embeddings must match one to one");
                    foreach (long r in keptRows)
                    {
                        CopyRow(npy, r, halves.AsSpan(pending * dim, dim));
                        if (++pending == BlockRows)
                        {
                            emb.Append<Half>(halves);
                            pending = 0;
                        }
                    }
                    kept += keptRows.Count;
                    row += batch.RowCount;
                    read += batch.RowCount;
                    progress?.Report(new SisapProgress($"part {p + 1} of {first}-{last}", row, npy.Rows));
                }
                if (pending > 0) emb.Append<Half>(halves.AsSpan(0, pending * dim));
                if (row != npy.Rows)
                    throw new UserErrorException($"{metaPath} has {row} rows but {embPath} has {npy.Rows} embeddings; each part's rows and embeddings must match one to one");
            }
            writer.SetAttribute("source", "LAION parts " + string.Join(",", embeddings.Skip(first - 1).Take(last - first + 1).Select(e => Path.GetFileName(e.Path))));
            writer.SetAttribute("filter", "!ismissing(NSFW) && NSFW != \"NSFW\"");
            writer.Complete();
            meta?.Dispose();
            meta = null;
            if (metaTemp is not null) File.Move(metaTemp, Path.GetFullPath(metaOut!), overwrite: true);
        }
        finally
        {
            meta?.Dispose();
            if (metaTemp is not null && File.Exists(metaTemp)) File.Delete(metaTemp);
        }
        return new Report(writer.Path, kept, read, dim, last - first + 1, metaOut is null ? null : Path.GetFullPath(metaOut));
    }

    /// <summary>A .npy part as it is; an .npz part's array (numpy.savez's arr_0, else its first member) extracted
    /// beside the output first, since a compressed member cannot be read in place.</summary>
    private static Part OpenPart(string path, string outPath)
    {
        if (!path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            return new Part(NpyFile.Open(path), null);
        using var npz = NpzFile.Open(path);
        if (npz.Members.Count == 0)
            throw new DataFormatException(npz.Path, "the .npz holds no arrays");
        string member = npz.Members.Contains("arr_0") ? "arr_0" : npz.Members[0];
        string folder = Path.GetDirectoryName(Path.GetFullPath(outPath)) ?? ".";
        string extracted = Path.Combine(folder, $".{Path.GetFileName(outPath)}.part-{Guid.NewGuid():N}.npy.tmp");
        try
        {
            return new Part(npz.ExtractMember(member, extracted), extracted);
        }
        catch
        {
            File.Delete(extracted);
            throw;
        }
    }

    /// <summary>An open part; an extracted .npz member is deleted once the part is done (or failed).</summary>
    private sealed class Part(NpyFile npy, string? extracted) : IDisposable
    {
        public NpyFile Npy { get; } = npy;

        public void Dispose()
        {
            Npy.Dispose();
            if (extracted is not null)
                try { File.Delete(extracted); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static unsafe void CopyRow(NpyFile npy, long row, Span<Half> target)
    {
        int d = target.Length;
        byte* p = (byte*)npy.DataAddress + row * d * npy.ElementSize;
        if (npy.Type == NpyFile.ElementType.Float16) new ReadOnlySpan<Half>(p, d).CopyTo(target);
        else
        {
            var f = new ReadOnlySpan<float>(p, d);
            for (int i = 0; i < d; i++) target[i] = (Half)f[i];
        }
    }

    private static void WriteRow(StreamWriter w, ColumnBatch batch, int row)
    {
        for (int c = 0; c < batch.Columns.Length; c++)
        {
            if (c > 0) w.Write('\t');
            var col = batch[c];
            switch (col.KindAt(row))
            {
                case ValueKind.Null: break;
                case ValueKind.Int64: w.Write(col.Int64At(row).ToString(CultureInfo.InvariantCulture)); break;
                case ValueKind.Double: w.Write(col.DoubleAt(row).ToString("R", CultureInfo.InvariantCulture)); break;
                default:
                    w.Write(Clean(Convert.ToString(col.ValueAt(row), CultureInfo.InvariantCulture) ?? ""));
                    break;
            }
        }
        w.Write('\n');
    }

    /// <summary>TSV has no quoting: tabs and line breaks inside a value become spaces.</summary>
    private static string Clean(string s) => s.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? s : s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static List<(string Path, long Number)> ByPartNumber(IReadOnlyList<string> files, string option)
    {
        var list = new List<(string, long)>();
        foreach (string f in files)
        {
            string name = Path.GetFileNameWithoutExtension(f);
            int end = name.Length;
            while (end > 0 && !char.IsAsciiDigit(name[end - 1])) end--;
            int start = end;
            while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
            if (start == end || !long.TryParse(name.AsSpan(start, Math.Min(18, end - start)), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw new UserErrorException($"{option}: {f}: the file name has no part number");
            list.Add((f, n));
        }
        var sorted = list.OrderBy(t => t.Item2).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Item2 == sorted[i - 1].Item2) throw new UserErrorException($"{option}: {sorted[i - 1].Item1} and {sorted[i].Item1} have the same part number");
        return sorted;
    }
}
