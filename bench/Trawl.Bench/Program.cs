namespace Trawl.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "knn")
            return Knn.KnnBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "laion")
            return Laion.LaionBenchmark.Run(args[1..]);
        if (args.Length > 0 && args[0] == "ann")
            return Ann.AnnBenchmark.Run(args[1..]);
        Console.Error.WriteLine("usage: Trawl.Bench knn [--n 200000] [--nq 1000] [--dir /tmp/trawl-knn]\n"
            + "       Trawl.Bench laion [--rows N] [--dir DIR]\n"
            + "       Trawl.Bench ann [--n 200000] [--nq 1000] [--dir /tmp/trawl-ann] [--m 16,32] [--efc 100]");
        return 1;
    }
}
