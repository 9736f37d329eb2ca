namespace Trawl.Bench.Ann;

/// <summary>
/// IVF-PQ against faiss IndexIVFPQ from the same run: per nprobe, PQ alone side by side (recall and
/// QPS at equal nprobe), and PQ alone against faiss at equal recall. Faiss's QPS at Trawl's recall
/// is interpolated linearly between the two faiss points around it (QPS falls as recall rises);
/// outside faiss's range there is no ratio (a point past either end is not the same recall).
/// </summary>
internal static class IvfPqSummary
{
    public static void Print(List<AnnPoint> points)
    {
        List<AnnPoint> faiss = points.Where(p => p.Engine == "faiss-ivfpq").OrderBy(p => p.Recall).ToList();
        List<AnnPoint> pqOnly = points.Where(p => p.Engine == "trawl-ivfpq").ToList();
        if (faiss.Count == 0 || pqOnly.Count == 0) return;
        var ratios = new List<double>();
        foreach (AnnPoint t in pqOnly)
        {
            string nprobe = Param(t.Params, "nprobe");
            AnnPoint? same = faiss.FirstOrDefault(f => Param(f.Params, "nprobe") == nprobe);
            double? atRecall = QpsAtRecall(faiss, t.Recall);
            if (atRecall is { } a) ratios.Add(t.Qps / a);
            AnnBenchmark.Emit(new
            {
                ivfpq = "trawl PQ only vs faiss",
                nprobe = int.Parse(nprobe, System.Globalization.CultureInfo.InvariantCulture),
                trawl_recall = Math.Round(t.Recall, 4),
                faiss_recall = same is null ? (double?)null : Math.Round(same.Recall, 4),
                trawl_qps = Math.Round(t.Qps, 1),
                faiss_qps = same is null ? (double?)null : Math.Round(same.Qps, 1),
                qps_ratio_same_nprobe = same is null ? (double?)null : Math.Round(t.Qps / same.Qps, 2),
                faiss_qps_at_trawl_recall = atRecall is { } q ? Math.Round(q, 1) : (double?)null,
                qps_ratio_equal_recall = atRecall is { } r ? Math.Round(t.Qps / r, 2) : (double?)null,
                note = atRecall is null ? "Trawl's recall is outside faiss's range in this sweep" : null,
            });
        }
        if (ratios.Count > 0)
            AnnBenchmark.Emit(new { ivfpq = "PQ only / faiss at equal recall", min = Math.Round(ratios.Min(), 2), median = Math.Round(Median(ratios), 2), max = Math.Round(ratios.Max(), 2), points = ratios.Count });
        AnnPoint? refined = points.Where(p => p.Engine == "trawl-ivfpq-refine" && p.Recall >= 0.90).OrderByDescending(p => p.Qps).FirstOrDefault();
        AnnBenchmark.Emit(new
        {
            ivfpq = "best Trawl ,Refine at recall >= 0.90",
            @params = refined?.Params,
            recall = refined is null ? (double?)null : Math.Round(refined.Recall, 4),
            qps = refined is null ? (double?)null : Math.Round(refined.Qps, 1),
            faiss_max_recall = Math.Round(faiss.Max(p => p.Recall), 4),
            note = refined is null ? "no refine setting reached 0.90 in this sweep" : null,
        });
    }

    /// <summary>Faiss's QPS at <paramref name="recall"/>, interpolated between neighbouring points; null outside its range.</summary>
    internal static double? QpsAtRecall(List<AnnPoint> byRecall, double recall)
    {
        for (int i = 0; i < byRecall.Count; i++)
        {
            AnnPoint hi = byRecall[i];
            if (hi.Recall < recall) continue;
            if (hi.Recall == recall) return hi.Qps;
            if (i == 0) return null;
            AnnPoint lo = byRecall[i - 1];
            double t = (recall - lo.Recall) / (hi.Recall - lo.Recall);
            return lo.Qps + t * (hi.Qps - lo.Qps);
        }
        return null;
    }

    private static string Param(string parameters, string name)
    {
        foreach (string part in parameters.Split(','))
            if (part.StartsWith(name + "=", StringComparison.Ordinal)) return part[(name.Length + 1)..];
        return "";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
