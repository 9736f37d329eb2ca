namespace Trawl.Formats.Hdf5;

/// <summary>How a chunked dataset finds its chunks.</summary>
public enum Hdf5ChunkIndexKind
{
    None,
    /// <summary>Version-1 B-tree (the default before HDF5 1.10 and with h5py's default settings).</summary>
    BTreeV1,
    SingleChunk,
    /// <summary>Chunks laid out back to back without an index (unfiltered, allocated early).</summary>
    Implicit,
    /// <summary>Fixed array (libver 'latest', fixed maximum shape).</summary>
    FixedArray,
    ExtensibleArray,
    BTreeV2,
}
