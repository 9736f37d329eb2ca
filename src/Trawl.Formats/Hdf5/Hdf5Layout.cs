namespace Trawl.Formats.Hdf5;

/// <summary>How a dataset's elements are stored.</summary>
public enum Hdf5Layout
{
    Compact,
    Contiguous,
    Chunked,
}
