using System.Runtime.InteropServices;
using Trawl.Formats.Hdf5;
using Trawl.Formats.Tables;
using Trawl.Store.AnnIndexes;
using Trawl.Vectors;

namespace Trawl.Store.Sisap;

/// <summary>
/// Vectors from a SISAP file as a <see cref="VectorMatrix"/>: an HDF5 dataset (read chunk by chunk into
/// native memory, float16 kept as float16, float64 narrowed to float32) or a 2-D .npy (memory-mapped).
/// The default HDF5 dataset is <c>emb</c>, else the file's only 2-D float dataset.
/// </summary>
public sealed unsafe class LoadedVectors : IDisposable
{
    private readonly IDisposable? _owner;
    private void* _memory;

    private LoadedVectors(string path, string dataset, VectorMatrix matrix, IDisposable? owner, void* memory)
    {
        Path = path;
        Dataset = dataset;
        Matrix = matrix;
        _owner = owner;
        _memory = memory;
    }

    public string Path { get; }
    /// <summary>The HDF5 dataset read (empty for .npy).</summary>
    public string Dataset { get; }
    public VectorMatrix Matrix { get; }

    public static bool IsHdf5(string path) => path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase);

    /// <param name="role">What the file is for, in messages ("the base", "the queries").</param>
    public static LoadedVectors Open(string path, string role, string? dataset = null, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file ({role})");
        if (!IsHdf5(path))
        {
            if (dataset is not null) throw new UserErrorException($"{path}: --dataset applies to HDF5 files");
            var npy = NpyVectors.Open(path, role);
            return new LoadedVectors(npy.Path, "", npy.Matrix, npy, null);
        }
        using var file = Hdf5File.Open(path);
        Hdf5Dataset ds = Choose(file, role, dataset);
        if (ds.Shape.Length != 2 || ds.Shape[1] < 1 || ds.Shape[1] > VectorMatrix.MaxDimension)
            throw new UserErrorException($"{path}: dataset '{ds.Name}' ({role}) must be 2-D (vectors × dimension), it has shape ({string.Join(", ", ds.Shape)})");
        if (ds.Type.Class != Hdf5TypeClass.Float)
            throw new UserErrorException($"{path}: dataset '{ds.Name}' ({role}) holds {ds.Type}, not float vectors");
        int dim = (int)ds.Shape[1];
        long rows = ds.Shape[0];
        VectorElementType type = ds.Type.Size == 2 ? VectorElementType.Float16 : VectorElementType.Float32;
        long rowBytes = VectorElementTypes.RowBytes(type, dim);
        void* memory = NativeMemory.AlignedAlloc((nuint)Math.Max(64, rows * rowBytes), 64);
        try
        {
            long blockRows = Math.Max(1, (64L << 20) / Math.Max(1, ds.RowBytes));
            if (ds.ChunkShape is { } chunk) blockRows = Math.Max(chunk[0], blockRows / chunk[0] * chunk[0]);
            byte[]? wide = ds.Type.Size == 8 ? new byte[blockRows * ds.RowBytes] : null;
            for (long r = 0; r < rows; r += blockRows)
            {
                cancel.ThrowIfCancellationRequested();
                long n = Math.Min(blockRows, rows - r);
                byte* target = (byte*)memory + r * rowBytes;
                if (wide is null)
                {
                    ds.ReadRows(r, n, target);
                }
                else
                {
                    ds.ReadRows(r, n, wide);
                    var doubles = MemoryMarshal.Cast<byte, double>(wide.AsSpan(0, (int)(n * ds.RowBytes)));
                    var floats = new Span<float>(target, doubles.Length);
                    for (int i = 0; i < doubles.Length; i++) floats[i] = (float)doubles[i];
                }
                progress?.Invoke(r + n, rows);
            }
            var matrix = VectorMatrix.FromAddress((nint)memory, rows, dim, type);
            return new LoadedVectors(System.IO.Path.GetFullPath(path), ds.Name, matrix, null, memory);
        }
        catch
        {
            NativeMemory.AlignedFree(memory);
            throw;
        }
    }

    /// <summary>The dataset to read: the one named, else <c>emb</c>, else the only 2-D float dataset.</summary>
    internal static Hdf5Dataset Choose(Hdf5File file, string role, string? dataset)
    {
        if (dataset is not null)
        {
            if (!file.HasDataset(dataset))
                throw new UserErrorException($"{file.Path}: no dataset '{dataset}' ({role}); datasets: {string.Join(", ", file.Datasets.Select(d => d.Path))}");
            return file.Dataset(dataset);
        }
        if (file.HasDataset("emb")) return file.Dataset("emb");
        var floats = file.Datasets.Where(d => d.Shape.Length == 2 && d.Type.Class == Hdf5TypeClass.Float).ToList();
        if (floats.Count == 1) return floats[0];
        throw new UserErrorException($"{file.Path}: which dataset holds {role}? Pass --dataset (datasets: {string.Join(", ", file.Datasets.Select(d => d.Path))})");
    }

    /// <summary>All rows as float32, row-major (for queries, which are small).</summary>
    public float[] ToFloats()
    {
        int dim = Matrix.Dimension;
        var all = new float[checked((int)(Matrix.Rows * dim))];
        for (long r = 0; r < Matrix.Rows; r++) Matrix.CopyRowTo(r, all.AsSpan((int)(r * dim), dim));
        return all;
    }

    public void Dispose()
    {
        _owner?.Dispose();
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
