using Trawl.ClickHouse.Engines;

namespace Trawl.ClickHouse.Sql;

/// <summary>
/// What SQL an engine understands, from its version: distance functions (21.11+), token search (hasTokenCaseInsensitive,
/// 21.x+), multiSearchAny (20.x+), vector_similarity indexes (25.8+; 24.8–25.7 behind a setting). Generated statements
/// ask the dialect instead of testing versions themselves.
/// </summary>
public sealed record SqlDialect(ClickHouseVersion Version)
{
    public static SqlDialect For(ClickHouseVersion version) => new(version);

    /// <summary>cosineDistance, L2Distance, dotProduct, L2SquaredDistance.</summary>
    public bool HasDistanceFunctions => Version.AtLeast(21, 11);

    /// <summary>hasTokenCaseInsensitive (and hasToken).</summary>
    public bool HasTokenSearch => Version.AtLeast(21, 1);

    /// <summary>CREATE TABLE ... INDEX i v TYPE vector_similarity('hnsw', 'cosineDistance', dim).</summary>
    public bool HasVectorSimilarityIndex => Version.AtLeast(25, 8);

    /// <summary>Full-text indexes, <c>INDEX i expr TYPE text(tokenizer = ...)</c>, used by hasAllTokens/hasToken, without a
    /// setting: generally available from 26.2 (the present grammar came in 25.9 behind allow_experimental_full_text_index,
    /// and its whole-part layout in 25.12; earlier inverted/full_text/gin indexes had other grammars, so we take 26.2).</summary>
    public bool HasTextIndex => Version.AtLeast(26, 2);

    /// <summary>hasPhrase (26.4+): consecutive tokens, answered from a text index.</summary>
    public bool HasPhraseSearch => Version.AtLeast(26, 4);

    /// <summary>The BFloat16 type, usable without a setting (tested on 26.5; earlier releases had it behind
    /// allow_experimental_bfloat16_type, so we take it from 25.8, where vector_similarity left beta too).</summary>
    public bool HasBFloat16 => Version.AtLeast(25, 8);

    /// <summary>query_plan_optimize_lazy_materialization exists (25.4+), so it can be turned off.</summary>
    public bool HasLazyMaterialization => Version.AtLeast(25, 4);

    /// <summary>Settings exist that let a statement stop on a time limit (max_execution_time), on every version we know.</summary>
    public bool HasExecutionTimeLimit => true;
}
