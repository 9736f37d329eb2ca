namespace Trawl.Bench.Ann;

/// <summary>One measured setting of one engine: recall@k and throughput on the query batch.</summary>
internal sealed record AnnPoint(string Engine, string Params, double BuildSeconds, double Recall, double Qps, double? MemoryBytesPerVector);
