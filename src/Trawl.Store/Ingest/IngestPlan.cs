using Trawl.Formats.Tables;
using Trawl.Vectors;

namespace Trawl.Store.Ingest;

/// <summary>
/// An <see cref="IngestRequest"/> checked once, at the edge, before anything is read or written: the sources exist,
/// names and numbers are in range, derive specs and the vector type are parsed. What depends on the columns of a
/// source (that --search, --pk, --dedupe, --derive-domain and --index name real columns) is checked by
/// <see cref="TableTarget"/> when a source's first batch has been read, still before its first row is written.
/// </summary>
internal sealed class IngestPlan
{
    /// <summary>Largest <see cref="IngestRequest.BatchRows"/>: a batch is held twice (the next one is read ahead).</summary>
    public const int MaxBatchRows = 1 << 20;

    private IngestPlan(IngestRequest request)
    {
        Request = request;
        Sources = request.Sources;
        ReaderOptions = new TableReaderOptions { Format = request.Format, JsonPath = request.JsonPath, Flatten = request.Flatten, HtmlToText = request.HtmlToText };
        Vectors = request.Vectors;
        Mode = request.Mode;
        Where = string.IsNullOrWhiteSpace(request.Where) ? null : request.Where;
        SearchColumns = request.SearchColumns;
        PrimaryKey = request.PrimaryKey;
        DedupeColumns = request.DedupeColumns;
        IndexColumns = request.IndexColumns;
    }

    public IngestRequest Request { get; }
    public IReadOnlyList<string> Sources { get; }
    public TableReaderOptions ReaderOptions { get; }
    /// <summary>The common folder of the sources, for --derive folder()/file(); null when nothing is computed while reading.</summary>
    public string? SourcesRoot { get; private init; }
    /// <summary>The table: --table as given, else from the first source's name (its part number stripped in a part ingest).</summary>
    public string Table { get; private init; } = "";
    public IReadOnlyList<string>? SearchColumns { get; }
    public string? PrimaryKey { get; }
    public string? Where { get; }
    public IReadOnlyList<DerivedColumnSpec> Derived { get; private init; } = [];
    public IReadOnlyList<Related.ForeignKey> ForeignKeys { get; private init; } = [];
    /// <summary>Columns computed while reading (token/word/byte counts, the source's folder or file).</summary>
    public IReadOnlyList<Trawl.Formats.Derived.DerivedColumn> Computed { get; private init; } = [];
    public IReadOnlyList<string> DedupeColumns { get; }
    public IngestMode Mode { get; }
    public IReadOnlyList<string> IndexColumns { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Vectors { get; }
    public VectorElementType VectorType { get; private init; }
    public int BatchRows { get; private init; }
    public long ParallelIndexFromBytes { get; private init; }

    /// <summary>A part ingest: sources paired with vector files; parts already loaded are skipped.</summary>
    public bool IsPartIngest => Vectors.Count > 0;

    public static IngestPlan From(IngestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Sources.Count == 0)
            throw new UserErrorException("no source files given");
        foreach (string source in request.Sources)
        {
            if (!File.Exists(source))
                throw new UserErrorException($"{source}: no such file");
        }
        if (request.BatchRows is < 1 or > MaxBatchRows)
            throw new UserErrorException($"batch size {request.BatchRows}: give 1 to {MaxBatchRows:N0} rows");
        var type = request.VectorType.Trim().ToLowerInvariant() switch
        {
            "f16" or "float16" => VectorElementType.Float16,
            "f32" or "float32" => VectorElementType.Float32,
            _ => throw new UserErrorException($"--vector-type '{request.VectorType}': use f16 or f32"),
        };
        foreach (string name in request.Vectors.Keys)
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                throw new UserErrorException($"--vectors '{name}': a vector set name is letters, digits, '_' and '-'");
        }
        var derived = request.DeriveDomain.Select(d => DerivedColumnSpec.ParseDomain(d.Key, d.Value)).ToList();
        var (rows, computed) = DeriveSpecs.Parse(request.Derive);
        derived.AddRange(rows);
        computed = [.. request.DerivedColumns, .. computed];
        var twice = derived.Select(d => d.Name).Concat(computed.Select(c => c.Name)).GroupBy(d => d, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new UserErrorException($"--derive: column '{twice.Key}' is derived twice");
        foreach (string spec in request.Convert)
        {
            var convert = DerivedColumnSpec.ParseConvert(spec);
            if (derived.Any(d => d.Name.Equals(convert.Name, StringComparison.OrdinalIgnoreCase)))
                throw new UserErrorException($"--convert: column '{convert.Name}' is converted twice or also derived");
            derived.Add(convert);
        }
        var dedupeTwice = request.DedupeColumns.GroupBy(d => d, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dedupeTwice is not null)
            throw new UserErrorException($"--dedupe: column '{dedupeTwice.Key}' named twice");
        string table = request.Table is { Length: > 0 } t ? TableTarget.ValidateTableName(t)
            : request.Vectors.Count > 0 ? PartPairing.StripPartNumber(TableTarget.TableNameFromFile(request.Sources[0]))
            : TableTarget.TableNameFromFile(request.Sources[0]);
        return new IngestPlan(request)
        {
            Table = table,
            Derived = derived,
            Computed = computed,
            ForeignKeys = request.ForeignKeys.Select(f => Related.ForeignKey.Parse(table, f)).ToList(),
            SourcesRoot = computed.Count > 0 ? Trawl.Formats.Derived.DerivedColumnsReader.CommonFolder(request.Sources) : null,
            VectorType = type,
            BatchRows = request.BatchRows,
            ParallelIndexFromBytes = request.ParallelIndexFromBytes,
        };
    }
}
