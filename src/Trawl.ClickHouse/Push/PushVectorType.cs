namespace Trawl.ClickHouse.Push;

/// <summary>The element type of the pushed vector columns (<c>trawl push --vector-type</c>).</summary>
public enum PushVectorType
{
    /// <summary>The most compact type the server has: BFloat16 where <see cref="Sql.SqlDialect.HasBFloat16"/>, else Float32.</summary>
    Auto,

    /// <summary>Array(Float32) on every server: the ClickHouse guide's table, exact copies of f32 sets.</summary>
    Float32,

    /// <summary>Array(BFloat16): half the bytes, 8 significant bits; an error on servers without the type.</summary>
    BFloat16,
}
