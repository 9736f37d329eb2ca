namespace Trawl.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ann")
            return Ann.AnnBenchmark.Run(args[1..]);
        Console.Error.WriteLine("usage: Trawl.Bench <benchmark>: ann");
        return 1;
    }
}
