using System.Globalization;

namespace Trawl.Bench.Captions;

/// <summary>Options of the captions benchmark, from <c>--rows N --dir PATH --queries N --seed N --out FILE --no-reference</c>.</summary>
internal sealed class CaptionsOptions
{
    public long Rows { get; private init; } = 1_000_000;
    public string Directory { get; private init; } = "/tmp/trawl-bench";
    public int Queries { get; private init; } = 200;
    public int WarmupQueries { get; private init; } = 20;
    public ulong Seed { get; private init; } = 20240601;
    public string? OutputPath { get; private init; }
    public bool Reference { get; private init; } = true;

    public const string Usage =
        "usage: Trawl.Bench captions [--rows 1000000] [--dir /tmp/trawl-bench] [--queries 200] [--seed N] [--out results.jsonl] [--no-reference]";

    public static CaptionsOptions Parse(IReadOnlyList<string> args)
    {
        long rows = 1_000_000;
        string dir = "/tmp/trawl-bench";
        int queries = 200;
        ulong seed = 20240601;
        string? output = null;
        bool reference = true;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--rows": rows = long.Parse(Value().Replace("_", ""), CultureInfo.InvariantCulture); break;
                case "--dir": dir = Value(); break;
                case "--queries": queries = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--out": output = Value(); break;
                case "--no-reference": reference = false; break;
                default: throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        if (rows < 1 || queries < 1)
            throw new ArgumentException($"--rows and --queries must be positive\n{Usage}");
        return new CaptionsOptions
        {
            Rows = rows,
            Directory = Path.GetFullPath(dir),
            Queries = queries,
            Seed = seed,
            OutputPath = output,
            Reference = reference,
        };
    }
}
