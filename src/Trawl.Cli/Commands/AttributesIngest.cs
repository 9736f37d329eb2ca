using System.Globalization;
using Trawl.Cli.Output;
using Trawl.Store.Attributes;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl ingest DATASET FILES --attributes-of TABLE --key COL</c>: attribute files joined to existing documents.</summary>
internal static class AttributesIngest
{
    public static int Run(CliTerminal terminal, string datasetPath, IReadOnlyList<string> sources, string table, string key, string? textColumn, bool json)
    {
        var report = DatasetAttributes.Run(datasetPath, new AttributeRequest { Sources = sources, Table = table, Key = key, TextColumn = textColumn }, terminal.Cancel);
        if (json)
        {
            new JsonOutput(terminal.Out).WriteDocument(w =>
            {
                w.WriteStartObject();
                w.WriteString("dataset", datasetPath);
                w.WriteString("table", report.Table);
                w.WriteNumber("records", report.Records);
                w.WriteNumber("matched", report.Matched);
                w.WriteNumber("unmatched", report.Unmatched);
                w.WriteNumber("duplicates", report.Duplicates);
                w.WriteNumber("invalid_spans", report.InvalidSpans);
                w.WriteNumber("spans", report.SpansWritten);
                w.WriteStartArray("columns_added");
                foreach (string c in report.ColumnsAdded)
                    w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteStartArray("problems");
                foreach (string p in report.Problems)
                    w.WriteStringValue(p);
                w.WriteEndArray();
                w.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
                w.WriteEndObject();
            });
            return CliExitCode.Ok;
        }
        var c = CultureInfo.InvariantCulture;
        terminal.Out.WriteLine($"{datasetPath}: attributes of {report.Table}: {report.Records.ToString("N0", c)} records, {report.Matched.ToString("N0", c)} joined, "
            + $"{report.Unmatched.ToString("N0", c)} matching no document, {report.Duplicates.ToString("N0", c)} duplicate ids skipped, "
            + $"{report.InvalidSpans.ToString("N0", c)} invalid span lists skipped, {report.SpansWritten.ToString("N0", c)} spans stored"
            + (report.ColumnsAdded.Count > 0 ? "; columns added: " + string.Join(", ", report.ColumnsAdded) : ""));
        foreach (string p in report.Problems)
            terminal.Err.WriteLine("trawl: skipped: " + p);
        return CliExitCode.Ok;
    }
}
