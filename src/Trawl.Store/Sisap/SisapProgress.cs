namespace Trawl.Store.Sisap;

/// <summary>How a SISAP command's work is going: a stage ("reading", "searching", ...) and a count when it has one.</summary>
public sealed record SisapProgress(string Stage, long Done, long Total);
