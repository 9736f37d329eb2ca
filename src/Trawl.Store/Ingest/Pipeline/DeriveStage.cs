using System.Runtime.CompilerServices;
using Trawl.Formats.Tables;

namespace Trawl.Store.Ingest.Pipeline;

/// <summary>
/// Computes the derived columns (<c>--derive-domain</c>: a URL's host name) of the kept rows into the batch's
/// derived lanes, from the UTF-8 bytes, without allocating per row. A row without a value gets NULL.
/// </summary>
internal sealed class DeriveStage : IngestStage
{
    private int[] _sourceLanes = [];

    public override string Name => "derive";

    /// <summary>A source starts: derived lane k is computed from source lane <paramref name="sourceLanes"/>[k].</summary>
    public void BeginSource(int[] sourceLanes) => _sourceLanes = sourceLanes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Process(IngestBatch batch)
    {
        var keep = batch.Keep;
        for (int k = 0; k < _sourceLanes.Length; k++)
        {
            var urls = batch.Source.Columns[_sourceLanes[k]];
            var hosts = batch.Derived[k];
            for (int r = 0; r < keep.Length; r++)
            {
                if (!keep[r] || urls.KindAt(r) != ValueKind.Text)
                {
                    hosts.AppendNull();
                    continue;
                }
                var url = urls.BytesAt(r);
                int n = UrlHost.Extract(url, hosts.ReserveBytes(url.Length));
                if (n == 0)
                    hosts.AppendNull();
                else
                    hosts.CommitBytes(ValueKind.Text, n);
            }
        }
    }
}
