namespace Trawl.ClickHouse.Push;

/// <summary>What <c>trawl push</c> asks for.</summary>
public sealed record PushRequest
{
    /// <summary>The dataset table to push; null: the only table, else the first.</summary>
    public string? SourceTable { get; init; }

    /// <summary>The ClickHouse table to create or fill; null: the dataset table's name.</summary>
    public string? TargetTable { get; init; }

    /// <summary>A cluster named in the server's remote_servers: a MergeTree table <c>T_local</c> on every host of it
    /// and a Distributed table <c>T</c> over them, sharded by row id. Null: one MergeTree table on the server.</summary>
    public string? Cluster { get; init; }

    /// <summary>The dataset columns to push, in this order; null: all of them.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Vector sets to push; null: every set of the table.</summary>
    public IReadOnlyList<string>? VectorSets { get; init; }

    /// <summary>The vector columns' element type; <see cref="PushVectorType.Auto"/>: BFloat16 where the server has it.</summary>
    public PushVectorType VectorType { get; init; } = PushVectorType.Auto;

    /// <summary>Create the table with a <c>vector_similarity('hnsw', ...)</c> index on each vector column (servers with
    /// the index type, 25.8+), by the set's metric (cosineDistance or L2Distance), so kNN is answered from it.</summary>
    public bool VectorIndex { get; init; }

    /// <summary>A full-text index (<see cref="Sql.TextIndex"/>) on each search column; <see cref="PushTextIndex.Auto"/>: where
    /// the server has text indexes.</summary>
    public PushTextIndex TextIndex { get; init; } = PushTextIndex.Auto;

    /// <summary>Rows per block: the unit of insert, of resume and of the push record.</summary>
    public int BlockRows { get; init; } = 65_536;
}
