namespace Trawl.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: Trawl.Bench <benchmark> (none yet)");
        return 1;
    }
}
