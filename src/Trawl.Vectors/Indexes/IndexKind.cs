namespace Trawl.Vectors.Indexes;

/// <summary>Index kinds; the four-character code starts the kind's section in index files.</summary>
public enum IndexKind
{
    Flat,
    Hnsw,
    IvfPq,
}
