namespace Trawl.Formats.Hdf5;

/// <summary>The datatype classes Trawl reads.</summary>
public enum Hdf5TypeClass
{
    Integer,
    Float,
    /// <summary>Fixed-length string (null-terminated or padded).</summary>
    String,
    /// <summary>Variable-length string (attributes only: held in the global heap).</summary>
    VariableString,
}
