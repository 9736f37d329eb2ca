namespace Trawl.Cli.Demo;

/// <summary>One generated LAION-like row; Width and Height are null where LAION has no size.</summary>
internal readonly record struct DemoRow(
    long SampleId,
    string Url,
    string Text,
    int? Width,
    int? Height,
    string License,
    string Nsfw,
    double Similarity);
