using Trawl.Vectors.Indexes.Files;
using Trawl.Vectors.Indexes.Flat;
using Trawl.Vectors.Indexes.Hnsw;
using Trawl.Vectors.Indexes.IvfPq;
using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Indexes;

/// <summary>Creates indexes from factory strings and opens index files.</summary>
public static class VectorIndexFactory
{
    /// <summary>
    /// An empty index of the kind the factory string names (<c>Flat</c>, <c>HNSW32</c>,
    /// <c>IVF4096,PQ64</c>, <c>IVF1024,PQ32,Refine</c>) over <paramref name="data"/>; call
    /// <see cref="VectorIndexExtensions.Build"/> (or Train and Add) to fill it.
    /// </summary>
    public static IVectorIndex Create(string factory, VectorMatrix data, VectorMetric metric, IndexBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        IndexSpec spec = IndexSpec.Parse(factory);
        options ??= new IndexBuildOptions();
        options.Validate();
        return spec.Kind switch
        {
            IndexKind.Flat => new FlatIndex(data, metric, options.VectorSetChecksum),
            IndexKind.Hnsw => new HnswIndex(data, metric, spec, options),
            _ => new IvfPqIndex(data, metric, spec, options),
        };
    }

    /// <summary>An empty index over an open vector set file; its checksum goes into the index file.</summary>
    public static IVectorIndex Create(string factory, VectorSetFile set, VectorMetric metric, IndexBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        IndexBuildOptions withChecksum = (options ?? new IndexBuildOptions()) with { VectorSetChecksum = set.Header.DataChecksum };
        return Create(factory, set.Matrix, metric, withChecksum);
    }

    /// <summary>Opens an index file over the vector set file it was built for (refused if the set's checksum changed).</summary>
    public static IVectorIndex Open(string path, VectorSetFile set, bool verifyChecksums = false)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Open(path, set.Matrix, set.Header.DataChecksum, verifyChecksums);
    }

    /// <summary>
    /// Opens an index file over <paramref name="data"/>, whose data checksum must be the one the
    /// index was built with. The header, section table and small sections are checked; the big
    /// arrays are memory-mapped and only checksummed when <paramref name="verifyChecksums"/> is set
    /// (walks check every link and id they follow, so a corrupt array fails with an error, not a crash).
    /// </summary>
    public static IVectorIndex Open(string path, VectorMatrix data, ulong vectorSetChecksum, bool verifyChecksums = false)
        => Open(path, data, vectorSetChecksum, verifyChecksums, checkSmallSections: true);

    internal static IVectorIndex Open(string path, VectorMatrix data, ulong vectorSetChecksum, bool verifyChecksums, bool checkSmallSections)
    {
        ArgumentNullException.ThrowIfNull(data);
        IndexFileReader file = IndexFileReader.Open(path, checkSmallSections);
        try
        {
            IndexFileHeader h = file.Header;
            if (verifyChecksums) file.VerifyChecksums();
            if (h.VectorSetChecksum != vectorSetChecksum)
                throw file.Corrupt($"the index was built for a vector set with checksum {h.VectorSetChecksum:x16}, this set has {vectorSetChecksum:x16}: the vectors changed, rebuild the index");
            if (h.Dimension != data.Dimension || h.ElementType != data.ElementType || h.VectorSetRows != data.Rows)
                throw file.Corrupt($"the index is for {h.VectorSetRows} × {h.Dimension} {h.ElementType} vectors, the set has {data.Rows} × {data.Dimension} {data.ElementType}");
            IndexSpec spec;
            try
            {
                spec = IndexSpec.Parse(file.Factory);
            }
            catch (ArgumentException e)
            {
                throw file.Corrupt($"the factory string cannot be read: {e.Message}", IndexFileHeader.Size);
            }
            string expectedKind = spec.Kind switch { IndexKind.Flat => "FLAT", IndexKind.Hnsw => "HNSW", _ => "IVPQ" };
            if (h.KindCode != expectedKind) throw file.Corrupt($"kind code '{h.KindCode}' does not match the factory string '{file.Factory}'", 8);
            switch (spec.Kind)
            {
                case IndexKind.Flat:
                    var flat = new FlatIndex(data, h.Metric, h.VectorSetChecksum, h.Count);
                    file.Dispose();
                    return flat;
                case IndexKind.Hnsw:
                    return HnswIndex.Open(data, spec, file);
                default:
                    return IvfPqIndex.Open(data, spec, file);
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
