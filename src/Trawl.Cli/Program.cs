namespace Trawl.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("trawl: not built yet");
        return 2;
    }
}
