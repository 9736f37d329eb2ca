using Trawl.Formats.Hdf5;
using Trawl.Formats.NumPy;
using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest;

/// <summary>
/// One part of a vector set as input: a 2-d .npy (or an .npz member, extracted to a temporary file), or a 2-d
/// float dataset of an HDF5 file (read chunk by chunk through <see cref="Hdf5Dataset.ReadRows(long, long, Span{byte})"/>).
/// The header is checked on open (shape against file length); rows are then read sequentially with a
/// plain buffered stream, not a memory map, so reading a 1.5 GB part does not grow the process's RSS.
/// </summary>
internal sealed class VectorPart : IDisposable
{
    private readonly string? _tempFile;
    private readonly string _dataFile;
    private readonly long _dataOffset;
    private FileStream? _stream;
    private readonly Hdf5File? _hdf5;
    private readonly Hdf5Dataset? _dataset;

    private VectorPart(string label, Hdf5File file, Hdf5Dataset dataset)
    {
        Label = label;
        _dataFile = file.Path;
        _hdf5 = file;
        _dataset = dataset;
        if (dataset.Shape.Length != 2)
            throw new DataFormatException(label, $"expected a 2-d dataset of vectors (rows, dimension), got shape ({string.Join(", ", dataset.Shape)})");
        Type = dataset.Type.Class == Hdf5TypeClass.Float
            ? dataset.Type.Size switch { 2 => NpyFile.ElementType.Float16, 4 => NpyFile.ElementType.Float32, _ => NpyFile.ElementType.Float64 }
            : throw new DataFormatException(label, $"vectors must be float16, float32 or float64, not {dataset.Type}");
        if (dataset.UnsupportedFilter is { } filter)
            throw new DataFormatException(label, $"its chunks use the {filter} filter, which Trawl cannot decode (deflate, shuffle and fletcher32 are supported)");
        Rows = dataset.Rows;
        Dimension = dataset.Shape[1] is >= 1 and <= Trawl.Vectors.VectorMatrix.MaxDimension
            ? (int)dataset.Shape[1]
            : throw new DataFormatException(label, $"dimension {dataset.Shape[1]} is outside 1..{Trawl.Vectors.VectorMatrix.MaxDimension}");
        ElementSize = dataset.Type.Size;
    }

    private VectorPart(string label, string dataFile, string? tempFile, NpyFile npy)
    {
        Label = label;
        _dataFile = dataFile;
        _tempFile = tempFile;
        _dataOffset = npy.DataOffset;
        Type = npy.Type;
        if (npy.Shape.Count != 2)
            throw new DataFormatException(label, $"expected a 2-d array of vectors (rows, dimension), got shape ({string.Join(", ", npy.Shape)})");
        if (npy.Type is not (NpyFile.ElementType.Float16 or NpyFile.ElementType.Float32 or NpyFile.ElementType.Float64))
            throw new DataFormatException(label, $"vectors must be float16, float32 or float64, not {npy.Type}");
        Rows = npy.Shape[0];
        Dimension = npy.Shape[1] is >= 1 and <= Trawl.Vectors.VectorMatrix.MaxDimension
            ? (int)npy.Shape[1]
            : throw new DataFormatException(label, $"dimension {npy.Shape[1]} is outside 1..{Trawl.Vectors.VectorMatrix.MaxDimension}");
        ElementSize = npy.ElementSize;
    }

    /// <summary>The file (and member) for messages.</summary>
    public string Label { get; }
    public NpyFile.ElementType Type { get; }
    public long Rows { get; }
    public int Dimension { get; }
    public int ElementSize { get; }
    public int RowBytes => Dimension * ElementSize;

    /// <param name="spec">"x.npy", "x.npz", "x.npz:member", "x.h5" or "x.h5:dataset"</param>
    /// <param name="tempDirectory">where an .npz member is extracted to</param>
    public static VectorPart Open(string spec, string tempDirectory)
    {
        var parsed = VectorSpec.Parse(spec);
        if (!File.Exists(parsed.File))
            throw new UserErrorException($"{parsed.File}: no such file");
        if (parsed.IsHdf5)
            return OpenHdf5(parsed);
        if (!parsed.IsNpz)
        {
            using var npy = NpyFile.Open(parsed.File);
            return new VectorPart(Path.GetFullPath(parsed.File), npy.Path, null, npy);
        }
        using var npz = NpzFile.Open(parsed.File);
        if (npz.Members.Count == 0)
            throw new DataFormatException(npz.Path, "the .npz holds no arrays");
        // Without a member name: numpy.savez's first positional array, else the first member.
        string member = parsed.Member ?? (npz.Members.Contains("arr_0") ? "arr_0" : npz.Members[0]);
        Directory.CreateDirectory(tempDirectory);
        string temp = Path.Combine(tempDirectory, $"npz-{Guid.NewGuid():N}.npy.tmp");
        try
        {
            using var npy = npz.ExtractMember(member, temp);
            return new VectorPart($"{npz.Path}:{member}", temp, temp, npy);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static VectorPart OpenHdf5(VectorSpec spec)
    {
        var file = Hdf5File.Open(spec.File);
        try
        {
            Hdf5Dataset dataset;
            if (spec.Member is { } name)
            {
                dataset = file.HasDataset(name) ? file.Dataset(name)
                    : throw new UserErrorException($"{file.Path}: no dataset '{name}' (datasets: {string.Join(", ", file.Datasets.Select(d => d.Path))})");
            }
            else
            {
                dataset = file.Datasets.FirstOrDefault(d => d.Name == "emb") ?? file.Datasets.FirstOrDefault(Hdf5TableReader.IsVectorSet)
                    ?? throw new UserErrorException($"{file.Path}: no 2-d float dataset to read vectors from (datasets: {string.Join(", ", file.Datasets.Select(d => d.Path))})");
            }
            return new VectorPart($"{file.Path}:{dataset.Path.TrimStart('/')}", file, dataset);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads rows [first, first + count) into <paramref name="destination"/> (count × RowBytes bytes).</summary>
    public void ReadRows(long first, int count, Span<byte> destination)
    {
        if (_dataset is not null)
        {
            _dataset.ReadRows(first, count, destination[..checked(count * RowBytes)]);
            return;
        }
        _stream ??= new FileStream(_dataFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        long position = _dataOffset + first * RowBytes;
        if (_stream.Position != position)
            _stream.Position = position;
        var span = destination[..checked(count * RowBytes)];
        int read = _stream.ReadAtLeast(span, span.Length, throwOnEndOfStream: false);
        if (read != span.Length)
            throw new DataFormatException(Label, $"the file ended at row {first + read / RowBytes} of {Rows} (it changed while being read?)", byteOffset: position + read);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        _hdf5?.Dispose();
        if (_tempFile is not null)
            TryDelete(_tempFile);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
