using Trawl.Formats.Tables;
using Trawl.Formats.Text;

namespace Trawl.Formats.Derived;

/// <summary>
/// Wraps a reader and appends derived columns to each batch: token, word and byte counts of a text
/// column, and the source file's folder or path relative to the common folder of all sources
/// (RedPajama's <c>arxiv/</c>, <c>c4/</c>... as a column). Counting runs where the batch is read,
/// which is the ingest's parsing thread.
/// </summary>
public sealed class DerivedColumnsReader : ITableReader
{
    private readonly ITableReader _inner;
    private readonly DerivedColumn[] _derived;
    private readonly int[] _sourceIndex;
    private readonly TokenCounter?[] _counters;
    private readonly byte[]?[] _constant;
    private readonly int _innerCount;
    private ColumnBatch? _innerBatch;

    private DerivedColumnsReader(ITableReader inner, IReadOnlyList<DerivedColumn> derived, string? sourcesRoot)
    {
        _inner = inner;
        _derived = [.. derived];
        _innerCount = inner.Schema.Count;
        _sourceIndex = new int[_derived.Length];
        _counters = new TokenCounter?[_derived.Length];
        _constant = new byte[]?[_derived.Length];
        var columns = inner.Schema.Columns.ToList();
        for (int d = 0; d < _derived.Length; d++)
        {
            var c = _derived[d];
            if (inner.Schema.IndexOf(c.Name) >= 0)
                throw new DataFormatException(inner.Path, $"--derive {c.Spec}: the source already has a column named '{c.Name}'");
            switch (c.Kind)
            {
                case DerivedKind.TokenCount or DerivedKind.WordCount or DerivedKind.ByteCount:
                    _sourceIndex[d] = inner.Schema.IndexOf(c.SourceColumn ?? "");
                    if (_sourceIndex[d] < 0)
                        throw new DataFormatException(inner.Path, $"--derive {c.Spec}: no column '{c.SourceColumn}' (columns: {string.Join(", ", inner.Schema.Columns.Select(x => x.Name))})");
                    if (c.Kind == DerivedKind.TokenCount)
                        _counters[d] = new TokenCounter(c.Encoding);
                    columns.Add(new ColumnSchema(c.Name, ColumnType.Int64, c.Spec));
                    break;
                default:
                    _constant[d] = SourceName(inner.Path, sourcesRoot, c.Kind) is { } s ? System.Text.Encoding.UTF8.GetBytes(s) : null;
                    columns.Add(new ColumnSchema(c.Name, ColumnType.Text, c.Spec));
                    break;
            }
        }
        Schema = new TableSchema(columns);
    }

    /// <summary>Wraps <paramref name="inner"/> (returned as is when there is nothing to derive); takes ownership of it.</summary>
    /// <param name="sourcesRoot">The common folder of all sources, for <see cref="DerivedKind.SourceFolder"/>/<see cref="DerivedKind.SourceFile"/>; null uses the file's own folder.</param>
    public static ITableReader Wrap(ITableReader inner, IReadOnlyList<DerivedColumn> derived, string? sourcesRoot = null)
    {
        if (derived.Count == 0)
            return inner;
        try
        {
            return new DerivedColumnsReader(inner, derived, sourcesRoot);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    /// <summary>The deepest folder that holds every one of <paramref name="paths"/>.</summary>
    public static string CommonFolder(IEnumerable<string> paths)
    {
        string[]? common = null;
        foreach (string p in paths)
        {
            string[] parts = (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(p)) ?? "/").Split(System.IO.Path.DirectorySeparatorChar);
            if (common is null)
            {
                common = parts;
                continue;
            }
            int n = 0;
            while (n < common.Length && n < parts.Length && common[n] == parts[n])
                n++;
            common = common[..n];
        }
        if (common is null || common.Length == 0)
            return System.IO.Path.GetPathRoot(Directory.GetCurrentDirectory()) ?? "/";
        string joined = string.Join(System.IO.Path.DirectorySeparatorChar, common);
        return joined.Length == 0 ? "/" : joined;
    }

    private static string? SourceName(string path, string? root, DerivedKind kind)
    {
        string full = System.IO.Path.GetFullPath(path);
        string relative = System.IO.Path.GetRelativePath(root ?? System.IO.Path.GetDirectoryName(full) ?? "/", full).Replace(System.IO.Path.DirectorySeparatorChar, '/');
        if (kind == DerivedKind.SourceFile)
            return relative;
        int slash = relative.IndexOf('/');
        return slash > 0 ? relative[..slash] : null;
    }

    public string Path => _inner.Path;
    public TableSchema Schema { get; }
    public long? RowCount => _inner.RowCount;
    public long BytesRead => _inner.BytesRead;
    public long BytesTotal => _inner.BytesTotal;

    public bool ReadBatch(ColumnBatch batch, int maxRows)
    {
        if (batch.Columns.Length != Schema.Count)
            throw new ArgumentException($"the batch has {batch.Columns.Length} columns; the schema {Schema.Count}", nameof(batch));
        // The inner reader fills a batch of its own columns, which share the caller's ColumnValues.
        _innerBatch ??= new ColumnBatch(0);
        var inner = _innerBatch;
        if (inner.Columns.Length != _innerCount)
            inner = _innerBatch = new ColumnBatch(_innerCount, 1);
        for (int i = 0; i < _innerCount; i++)
            inner.Columns[i] = batch.Columns[i];
        bool has = _inner.ReadBatch(inner, maxRows);
        batch.RowCount = inner.RowCount;
        batch.FirstRow = inner.FirstRow;
        batch.SourceLines.Clear();
        batch.SourceLines.AddRange(inner.SourceLines);
        for (int d = 0; d < _derived.Length; d++)
            Fill(batch, d);
        return has;
    }

    private void Fill(ColumnBatch batch, int d)
    {
        var target = batch.Columns[_innerCount + d];
        target.Clear();
        int rows = batch.RowCount;
        switch (_derived[d].Kind)
        {
            case DerivedKind.TokenCount:
            {
                var source = batch.Columns[_sourceIndex[d]];
                var counter = _counters[d]!;
                for (int r = 0; r < rows; r++)
                {
                    if (source.KindAt(r) is ValueKind.Text or ValueKind.Json)
                        target.AppendInt64(counter.Count(source.BytesAt(r)));
                    else
                        target.AppendNull();
                }
                break;
            }
            case DerivedKind.WordCount:
            {
                var source = batch.Columns[_sourceIndex[d]];
                for (int r = 0; r < rows; r++)
                {
                    if (source.KindAt(r) is ValueKind.Text or ValueKind.Json)
                        target.AppendInt64(WordCounter.Count(source.BytesAt(r)));
                    else
                        target.AppendNull();
                }
                break;
            }
            case DerivedKind.ByteCount:
            {
                var source = batch.Columns[_sourceIndex[d]];
                for (int r = 0; r < rows; r++)
                {
                    if (source.KindAt(r) is ValueKind.Text or ValueKind.Json or ValueKind.Binary)
                        target.AppendInt64(source.BytesAt(r).Length);
                    else
                        target.AppendNull();
                }
                break;
            }
            default:
            {
                byte[]? value = _constant[d];
                for (int r = 0; r < rows; r++)
                {
                    if (value is null)
                        target.AppendNull();
                    else
                        target.AppendText(value);
                }
                break;
            }
        }
    }

    public void Dispose() => _inner.Dispose();
}
