using System.Globalization;

namespace Trawl.Bench.Append;

/// <summary>Options of the append benchmark, from <c>--rows N --small-rows N --part-rows N --dir PATH --seed N --out FILE --no-reference</c>.</summary>
internal sealed class AppendOptions
{
    public long Rows { get; private init; } = 10_000_000;
    public long SmallRows { get; private init; } = 1_000;
    public long PartRows { get; private init; } = 1_000_000;
    public string Directory { get; private init; } = "/tmp/trawl-bench-append";
    public ulong Seed { get; private init; } = 20240601;
    public string? OutputPath { get; private init; }
    public bool Reference { get; private init; } = true;

    public const string Usage =
        "usage: Trawl.Bench append [--rows 10000000] [--small-rows 1000] [--part-rows 1000000] [--dir /tmp/trawl-bench-append] [--seed N] [--out results.jsonl] [--no-reference]";

    public static AppendOptions Parse(IReadOnlyList<string> args)
    {
        var o = new AppendOptions();
        long rows = o.Rows, small = o.SmallRows, part = o.PartRows;
        string dir = o.Directory;
        ulong seed = o.Seed;
        string? output = null;
        bool reference = true;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            long Count() => long.Parse(Value().Replace("_", ""), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--rows": rows = Count(); break;
                case "--small-rows": small = Count(); break;
                case "--part-rows": part = Count(); break;
                case "--dir": dir = Value(); break;
                case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--out": output = Value(); break;
                case "--no-reference": reference = false; break;
                default: throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }
        if (rows < 1 || small < 1 || part < 1)
            throw new ArgumentException($"--rows, --small-rows and --part-rows must be positive\n{Usage}");
        return new AppendOptions
        {
            Rows = rows,
            SmallRows = small,
            PartRows = part,
            Directory = Path.GetFullPath(dir),
            Seed = seed,
            OutputPath = output,
            Reference = reference,
        };
    }
}
