using Trawl.ClickHouse.Engines;

namespace Trawl.ClickHouse.Push;

/// <summary>How one column of the pushed table is filled.</summary>
internal enum PushColumnKind
{
    /// <summary>The dataset's rowid (Int64), the table's sort key and the shard key.</summary>
    RowId,

    /// <summary>Int64 from an INTEGER column holding only integers.</summary>
    Int64,

    /// <summary>Float64 from a REAL column (integers in it are widened).</summary>
    Float64,

    /// <summary>String: TEXT and BLOB columns, and numeric columns that also hold text (written as their text).</summary>
    String,

    /// <summary>Array(Float32): one vector set's row.</summary>
    Vector,

    /// <summary>Array(BFloat16): one vector set's row in half the bytes, on servers that have the type.</summary>
    VectorBFloat16,
}

/// <summary>A column of the pushed table and where its values come from: a dataset column (by its index in the streamed
/// row) or a vector set.</summary>
internal sealed record PushColumn(string Name, PushColumnKind Kind, bool Nullable, int SourceIndex, string? VectorSet)
{
    public ColumnSpec Spec => new(Name, Nullable ? $"Nullable({BaseType})" : BaseType);

    private string BaseType => Kind switch
    {
        PushColumnKind.RowId or PushColumnKind.Int64 => "Int64",
        PushColumnKind.Float64 => "Float64",
        PushColumnKind.Vector => "Array(Float32)",
        PushColumnKind.VectorBFloat16 => "Array(BFloat16)",
        _ => "String",
    };
}
