using System.CommandLine;
using System.Globalization;
using Trawl.Cli.Input;
using Trawl.Cli.Progress;
using Trawl.Store;
using Trawl.Store.Sisap;

namespace Trawl.Cli.Commands;

/// <summary><c>trawl sisap subset</c>: the challenge's subsets built from LAION parts.</summary>
internal static class SisapCommand
{
    public static Command Create(CliTerminal terminal)
    {
        var parts = new Option<string[]>("--parts") { Description = "The embedding parts (.npy, or .npz holding one array: arr_0, else its first member; float16 or float32), a pattern like 'img_emb/img_emb_*.npy' or a list.", HelpName = "PATTERN", Required = true, AllowMultipleArgumentsPerToken = true };
        var metadata = new Option<string[]>("--metadata") { Description = "The metadata parts (.parquet with an NSFW column), paired with the embedding parts by part number.", HelpName = "PATTERN", Required = true, AllowMultipleArgumentsPerToken = true };
        var range = new Option<string>("--range") { Description = "Which parts, 1-based and inclusive in part-number order: 1-11 (10M), 1-33 (30M), 1-111 (100M).", HelpName = "FIRST-LAST", Required = true };
        var output = new Option<string>("--out") { Description = "The HDF5 file to write: emb (rows × dim, float16).", HelpName = "OUT.h5", Required = true };
        var metaOut = new Option<string?>("--meta-out") { Description = "Also write the kept rows' metadata as TSV, in the same order (tabs and line breaks in values become spaces).", HelpName = "META.tsv" };
        var json = CommonOptions.Json("the summary");
        var subset = new Command("subset", "Concatenate LAION embedding parts in order, dropping rows whose metadata NSFW is missing or \"NSFW\" (the challenge's subsets), into an HDF5 emb dataset.")
        {
            parts, metadata, range, output, metaOut, json,
        };
        subset.SetAction(parse =>
        {
            string text = parse.GetValue(range)!;
            string[] ends = text.Split('-');
            if (ends.Length != 2 || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first) || !int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out int last))
                throw new UserErrorException($"--range '{text}': expected FIRST-LAST, e.g. 1-11");
            var embeddingFiles = SourceGlob.Expand(parse.GetValue(parts)!);
            var metadataFiles = SourceGlob.Expand(parse.GetValue(metadata)!);
            var report = SisapProgressDisplay.Run(terminal, (progress, cancel) =>
                SisapSubset.Run(embeddingFiles, metadataFiles, first, last, parse.GetValue(output)!, parse.GetValue(metaOut), progress, cancel));
            if (parse.GetValue(json)) SisapJson.Write(terminal, report);
            else terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {report.Path}: {report.Rows:N0} of {report.RowsRead:N0} rows ({report.Parts} parts, dimension {report.Dimension}){(report.MetaPath is null ? "" : ", metadata in " + report.MetaPath)}"));
            return CliExitCode.Ok;
        });
        return new Command("sisap", "SISAP indexing challenge chores (see also gold, recall, search-h5, project).") { subset };
    }
}
