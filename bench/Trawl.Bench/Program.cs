namespace Trawl.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "laion")
            return Laion.LaionBenchmark.Run(args[1..]);
        Console.Error.WriteLine("usage: Trawl.Bench laion [--rows N] [--dir DIR]");
        return 1;
    }
}
