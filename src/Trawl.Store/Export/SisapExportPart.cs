using Trawl.Formats.Hdf5;
using Trawl.Formats.Tables;
using Trawl.Vectors;
using Trawl.Vectors.Storage;

namespace Trawl.Store.Export;

/// <summary>
/// A part in the SISAP indexing challenge's layout: <c>emb-00000.h5</c> holding the vectors as dataset
/// <c>emb</c> (rows × dimension, float16 or float32 as stored) and <c>meta-00000.tsv</c> with the rows' columns,
/// row for row.
/// </summary>
internal sealed class SisapExportPart : ExportPart
{
    private readonly VectorSetFile _set;
    private readonly Hdf5Writer _h5;
    private readonly Hdf5DatasetWriter _emb;
    private readonly TextExportPart _meta;
    private readonly string _h5Path;

    public SisapExportPart(string folder, int part, IReadOnlyList<ExportColumn> columns, string setName, VectorSetFile set)
    {
        string number = part.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        _set = set;
        var type = set.Matrix.ElementType switch
        {
            VectorElementType.Float16 => Hdf5DataType.Float16,
            VectorElementType.Float32 => Hdf5DataType.Float32,
            var t => throw new UserErrorException($"vector set '{setName}' holds {t} vectors; sisap-h5 writes float16 or float32"),
        };
        _h5Path = Path.Combine(folder, $"emb-{number}.h5");
        _h5 = Hdf5Writer.Create(ExportFolder.Partial(_h5Path));
        _emb = _h5.AddDataset("emb", type, set.Matrix.Dimension);
        _meta = new TextExportPart(Path.Combine(folder, $"meta-{number}.tsv"), columns, csv: true, delimiter: '\t');
    }

    public override IReadOnlyList<string> FinalPaths => [_h5Path, .. _meta.FinalPaths];

    public override void Write(ColumnBatch batch, int row)
    {
        long rowid = RowId(batch, row);
        if (rowid < 0 || rowid >= _set.Matrix.Rows)
            throw new UserErrorException($"row {rowid} has no vector in {_set.Path} ({_set.Matrix.Rows:N0} vectors); ingest the vectors again");
        _emb.AppendBytes(_set.Matrix.RowBytesOf(rowid));
        _meta.Write(batch, row);
    }

    public override void Complete()
    {
        _h5.Complete();
        _meta.Complete();
    }

    public override void Dispose()
    {
        _h5.Dispose();
        _meta.Dispose();
    }
}
