namespace Trawl.Formats.Hdf5;

/// <summary>Filters Trawl applies when reading chunks (any other is a clear error naming it and the dataset).</summary>
public enum Hdf5Filter
{
    Deflate = 1,
    Shuffle = 2,
    Fletcher32 = 3,
}
