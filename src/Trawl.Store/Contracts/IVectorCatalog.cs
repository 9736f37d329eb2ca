using Trawl.Store.VectorSets;

namespace Trawl.Store.Contracts;

/// <summary>
/// The vector sets of a dataset and nearest-neighbour search over them, optionally among the rows a
/// <see cref="Queries.TableQuery"/> matches (the backend turns it into an allow-set through its <see cref="IRowFilter"/>).
/// Bad input (unknown set or row, wrong dimension, non-finite component, k out of range) is a <see cref="UserErrorException"/>.
/// </summary>
public interface IVectorCatalog
{
    /// <summary>The sets, by name; empty when there are none.</summary>
    IReadOnlyList<VectorSetInfo> ListVectorSets();

    /// <summary>The set named, or without a name the only set (of <paramref name="table"/> when given); else a
    /// <see cref="UserErrorException"/> naming the sets there are and <paramref name="chooseWith"/> (how the caller names one).</summary>
    VectorSetInfo ChooseVectorSet(string? name, string? table = null, string chooseWith = "--vectors NAME");

    /// <summary>Neighbours of one query (a row's own vector or a given one), with their rows.</summary>
    KnnResult Knn(KnnQuery query);

    /// <summary>Many queries (row-major, the set's dimension) at once; no table rows are fetched.</summary>
    KnnBatchResult KnnBatch(KnnQuery template, ReadOnlySpan<float> queries);
}
