using Trawl.Formats.NumPy;
using Trawl.Store.Storage;
using Trawl.Vectors;

namespace Trawl.Store.AnnIndexes;

/// <summary>
/// A 2-D float32 or float16 .npy file seen as a <see cref="VectorMatrix"/> straight from its memory mapping,
/// with a checksum of its data so an index built over it notices when the file changes.
/// </summary>
internal sealed class NpyVectors : IDisposable
{
    private readonly NpyFile _file;

    private NpyVectors(NpyFile file, VectorMatrix matrix)
    {
        _file = file;
        Matrix = matrix;
    }

    public string Path => _file.Path;
    public VectorMatrix Matrix { get; }

    public static NpyVectors Open(string path, string role)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file ({role})");
        NpyFile file = NpyFile.Open(path);
        try
        {
            if (file.Shape.Count != 2 || file.Shape[0] < 1 || file.Shape[1] < 1 || file.Shape[1] > VectorMatrix.MaxDimension)
                throw new UserErrorException($"{file.Path}: {role} must be a 2-D array (vectors × dimension), this one has shape ({string.Join(", ", file.Shape)})");
            VectorElementType type = file.Type switch
            {
                NpyFile.ElementType.Float32 => VectorElementType.Float32,
                NpyFile.ElementType.Float16 => VectorElementType.Float16,
                _ => throw new UserErrorException($"{file.Path}: {role} must hold float32 or float16 values, not {file.Type}"),
            };
            var matrix = VectorMatrix.FromAddress(file.DataAddress, file.Shape[0], (int)file.Shape[1], type, file);
            return new NpyVectors(file, matrix);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A 64-bit checksum of every data byte (reads the whole file once).</summary>
    public ulong Checksum() => Checksum(Matrix);

    /// <summary>A 64-bit checksum of every byte of the matrix's rows: what a bare index records of its base.</summary>
    public static unsafe ulong Checksum(VectorMatrix matrix)
    {
        var h = Hash128.Create();
        long total = matrix.Rows * matrix.RowBytes;
        byte* data = (byte*)matrix.Address;
        for (long done = 0; done < total;)
        {
            int n = (int)Math.Min(1 << 24, total - done);
            h.AddBytes(new ReadOnlySpan<byte>(data + done, n));
            done += n;
        }
        UInt128 digest = h.Finish();
        return (ulong)digest ^ (ulong)(digest >> 64);
    }

    /// <summary>All rows as float32, row-major (queries are small).</summary>
    public float[] ToFloats()
    {
        int dim = Matrix.Dimension;
        var all = new float[checked((int)(Matrix.Rows * dim))];
        for (long r = 0; r < Matrix.Rows; r++) Matrix.CopyRowTo(r, all.AsSpan((int)(r * dim), dim));
        return all;
    }

    public void Dispose() => _file.Dispose();
}
