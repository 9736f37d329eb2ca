namespace Trawl.Store.Columns;

/// <summary>One column's files, mapped: any of an Int64 array, a Float64 array, and codes with their dictionary.</summary>
internal sealed class ColumnData : IDisposable
{
    private readonly MappedColumnFile? _int64, _float64, _codes;
    private int[]? _codesByRank;
    private Lazy<CodeGroups?>? _arrays, _dates;

    public ColumnData(string name, long rows, MappedColumnFile? int64, MappedColumnFile? float64, MappedColumnFile? codes, ColumnDictionary? dictionary)
    {
        Name = name;
        Rows = rows;
        _int64 = int64;
        _float64 = float64;
        _codes = codes;
        Dictionary = dictionary;
        // Touch each span once so a short file fails at open, not in the middle of a query.
        _ = HasInt64 ? Int64Values : default;
        _ = HasFloat64 ? Float64Values : default;
        if (HasDictionary)
        {
            var c = Codes;
            uint d = (uint)dictionary!.Count;
            foreach (uint code in c)
            {
                if (code >= d)
                    throw new Trawl.Formats.Tables.DataFormatException(codes!.Path, $"code {code} is past the dictionary's {d} entries");
            }
        }
    }

    public string Name { get; }
    public long Rows { get; }
    public ColumnDictionary? Dictionary { get; }

    public bool HasInt64 => _int64 is not null;
    public bool HasFloat64 => _float64 is not null;
    public bool HasDictionary => _codes is not null && Dictionary is not null;

    public ReadOnlySpan<long> Int64Values => _int64!.Elements<long>(0, Rows);
    public ReadOnlySpan<double> Float64Values => _float64!.Elements<double>(0, Rows);
    public ReadOnlySpan<uint> Codes => _codes!.Elements<uint>(0, Rows);

    /// <summary>Dictionary codes in SQLite order (lazily built; for finding where a value falls among them).</summary>
    public int[] CodesByRank
    {
        get
        {
            if (_codesByRank is not null)
                return _codesByRank;
            var ranks = Dictionary!.Ranks;
            var order = new int[ranks.Length];
            var keys = new uint[ranks.Length];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
                keys[i] = ranks[i];
            }
            Array.Sort(keys, order);
            return _codesByRank = order;
        }
    }

    /// <summary>The codes' list elements or dates, built once (null without a dictionary, or when a date is SQLite's to decide).</summary>
    public CodeGroups? Groups(Trawl.Store.Queries.FacetKind kind)
    {
        if (!HasDictionary)
            return null;
        if (kind == Trawl.Store.Queries.FacetKind.Array)
            return LazyInitializer.EnsureInitialized(ref _arrays, () => new Lazy<CodeGroups?>(() => CodeGroups.Build(Dictionary!, kind))).Value;
        return LazyInitializer.EnsureInitialized(ref _dates, () => new Lazy<CodeGroups?>(() => CodeGroups.Build(Dictionary!, kind))).Value;
    }

    public void Dispose()
    {
        _int64?.Dispose();
        _float64?.Dispose();
        _codes?.Dispose();
        Dictionary?.Dispose();
    }
}
