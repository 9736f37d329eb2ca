using Trawl.Formats.NumPy;
using Trawl.Formats.Parquet.Writing;
using Trawl.Formats.Tables;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Export;

/// <summary>
/// A part of clip-retrieval's layout: metadata/metadata_NNNN.parquet and, row for row, one
/// SETDIR/SETDIR_NNNN.npy per vector set (img_emb for "image", text_emb for "text", NAME_emb otherwise),
/// the vectors copied as stored (float16 or float32).
/// </summary>
internal sealed class LaionExportPart : ExportPart
{
    private readonly ParquetExportPart _metadata;
    private readonly (VectorSetFile Set, NpyStreamWriter Writer, string Path)[] _vectors;

    public LaionExportPart(string folder, int part, IReadOnlyList<ExportColumn> columns, IReadOnlyList<(string Name, VectorSetFile File)> sets, ParquetWriterOptions options)
    {
        string number = part.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.Combine(folder, "metadata"));
        _vectors = new (VectorSetFile, NpyStreamWriter, string)[sets.Count];
        try
        {
            for (int i = 0; i < sets.Count; i++)
            {
                var (name, file) = sets[i];
                string dir = DirectoryFor(name);
                Directory.CreateDirectory(Path.Combine(folder, dir));
                string path = Path.Combine(folder, dir, $"{dir}_{number}.npy");
                var type = file.Matrix.ElementType switch
                {
                    VectorElementType.Float16 => NpyFile.ElementType.Float16,
                    VectorElementType.Float32 => NpyFile.ElementType.Float32,
                    VectorElementType.Int8 => NpyFile.ElementType.Int8,
                    var t => throw new UserErrorException($"vector set '{name}' holds {t} vectors; the laion layout writes float or int8 .npy files"),
                };
                _vectors[i] = (file, new NpyStreamWriter(ExportFolder.Partial(path), type, file.Matrix.Dimension), path);
            }
            _metadata = new ParquetExportPart(Path.Combine(folder, "metadata", $"metadata_{number}.parquet"), columns, options);
        }
        catch
        {
            foreach (var v in _vectors) v.Writer?.Dispose();
            throw;
        }
    }

    /// <summary>The folder (and file prefix) of a vector set in clip-retrieval's layout; ingest maps them back.</summary>
    public static string DirectoryFor(string set) => set.ToLowerInvariant() switch
    {
        "image" or "img" => "img_emb",
        "text" => "text_emb",
        var other => other + "_emb",
    };

    public override IReadOnlyList<string> FinalPaths => [.. _vectors.Select(v => v.Path), .. _metadata.FinalPaths];

    public override void Write(ColumnBatch batch, int row) => WriteRows(batch, row, 1);

    public override void WriteRows(ColumnBatch batch, int start, int count)
    {
        for (int row = start; row < start + count; row++)
        {
            long rowid = RowId(batch, row);
            foreach (var (set, writer, _) in _vectors)
            {
                if (rowid < 0 || rowid >= set.Matrix.Rows)
                    throw new UserErrorException($"row {rowid} has no vector in {set.Path} ({set.Matrix.Rows:N0} vectors); ingest the vectors again");
                writer.WriteRow(set.Matrix.RowBytesOf(rowid));
            }
        }
        _metadata.WriteRows(batch, start, count);
    }

    public override void Complete()
    {
        foreach (var v in _vectors) v.Writer.Complete();
        _metadata.Complete();
    }

    public override void Dispose()
    {
        foreach (var v in _vectors) v.Writer.Dispose();
        _metadata.Dispose();
    }
}
