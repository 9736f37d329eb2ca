namespace Trawl.Formats.Hdf5;

/// <summary>Where one stored chunk is: file address, stored (filtered) size and the mask of filters skipped for it.</summary>
internal readonly record struct Hdf5ChunkRef(ulong Address, long StoredSize, uint FilterMask);
