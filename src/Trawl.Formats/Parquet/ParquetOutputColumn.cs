using Trawl.Formats.Parquet.Assembly;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet;

/// <summary>One output column: a top-level field with its leaves, flat or assembled as JSON.</summary>
internal sealed class ParquetOutputColumn
{
    private readonly NestedJsonAssembler? _nested;
    private int _levelCursor;
    private int _valueCursor;
    private int _rowCursor;

    private ParquetOutputColumn(ColumnSchema schema, ParquetSchemaNode field, ParquetSchemaNode[] leaves, LeafConverter[] converters)
    {
        Schema = schema;
        Field = field;
        Leaves = leaves;
        Converters = converters;
        Chunks = leaves.Select(_ => new LeafChunk()).ToArray();
        if (!IsFlat)
            _nested = new NestedJsonAssembler(field, leaves, Chunks, converters);
    }

    public ColumnSchema Schema { get; }
    public ParquetSchemaNode Field { get; }
    public ParquetSchemaNode[] Leaves { get; }
    public LeafConverter[] Converters { get; }
    public LeafChunk[] Chunks { get; }
    public ColumnChunkDecoder[] Decoders { get; private set; } = [];
    /// <summary>Each leaf's compressed chunk, read from disk.</summary>
    public byte[][] Buffers { get; private set; } = [];

    public void CreateDecoders(ParquetReaderOptions options)
    {
        Decoders = Leaves.Select(_ => new ColumnChunkDecoder(options.VerifyChecksums, options.MaxColumnChunkBytes)).ToArray();
        Buffers = Leaves.Select(_ => Array.Empty<byte>()).ToArray();
    }
    /// <summary>A flat column streams its chunk page by page; a nested one is decoded whole (its rows may span pages).</summary>
    public bool IsFlat => Field.IsLeaf && !Field.IsRepeated;

    public static ParquetOutputColumn Create(string path, string name, ParquetSchemaNode field)
    {
        var leaves = field.Leaves().ToArray();
        LeafConverter[] converters;
        try
        {
            converters = leaves.Select(l => new LeafConverter(l)).ToArray();
        }
        catch (ParquetException e)
        {
            throw new DataFormatException(path, e.Message, column: name, inner: e);
        }
        bool flat = field.IsLeaf && !field.IsRepeated;
        var type = flat ? converters[0].ColumnType : ColumnType.Json;
        return new ParquetOutputColumn(new ColumnSchema(name, type, Describe(field)), field, leaves, converters);
    }

    private static string Describe(ParquetSchemaNode n)
    {
        var e = n.Element;
        string rep = e.Repetition switch { ParquetRepetition.Repeated => "repeated ", ParquetRepetition.Optional => "", _ => "required " };
        if (!n.IsLeaf)
        {
            string kind = n.IsListAnnotated ? "LIST" : n.IsMapAnnotated ? "MAP" : "STRUCT";
            return rep + kind + "<" + string.Join(", ", n.Children.Select(c => c.Name + ": " + Describe(c))) + ">";
        }
        string phys = e.Type switch
        {
            ParquetPhysicalType.FixedLenByteArray => $"FIXED_LEN_BYTE_ARRAY({e.TypeLength})",
            ParquetPhysicalType.ByteArray => "BYTE_ARRAY",
            var t => t.ToString()!.ToUpperInvariant(),
        };
        string ann = e.LogicalType is { } lt && lt.Kind != ParquetLogicalKind.None
            ? lt.Kind switch
            {
                ParquetLogicalKind.Decimal => $" DECIMAL({lt.Precision},{lt.Scale})",
                ParquetLogicalKind.Timestamp => $" TIMESTAMP({lt.Unit.ToString().ToUpperInvariant()}{(lt.IsAdjustedToUtc ? ", UTC" : "")})",
                ParquetLogicalKind.Time => $" TIME({lt.Unit.ToString().ToUpperInvariant()})",
                ParquetLogicalKind.Integer => $" INT({lt.BitWidth}, {(lt.IsSigned ? "signed" : "unsigned")})",
                var k => " " + k.ToString().ToUpperInvariant(),
            }
            : e.ConvertedType switch
            {
                ParquetConvertedType.None => "",
                // INT_32 on INT32 and INT_64 on INT64 say nothing the physical type does not.
                ParquetConvertedType.Int32 when e.Type == ParquetPhysicalType.Int32 => "",
                ParquetConvertedType.Int64 when e.Type == ParquetPhysicalType.Int64 => "",
                ParquetConvertedType.Decimal => $" DECIMAL({e.Precision},{e.Scale})",
                var c => " " + c.ToString().ToUpperInvariant(),
            };
        return rep + phys + ann;
    }

    public void Prepare(long rows)
    {
        _levelCursor = 0;
        _valueCursor = 0;
        _rowCursor = 0;
        if (_nested is not null)
        {
            _nested.Prepare(rows);
            return;
        }
    }

    /// <summary>Decodes the next page of a flat column, with the page's place attached to any problem.</summary>
    private void NextPage()
    {
        var decoder = Decoders[0];
        var chunk = Chunks[0];
        chunk.ClearPageData();
        _levelCursor = 0;
        _valueCursor = 0;
        try
        {
            if (!decoder.DecodePage(chunk))
                throw new ParquetException($"column chunk ends after {decoder.LevelsDone} values, before its row group's rows");
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException || e is ParquetException { Page: null })
        {
            string problem = e is ParquetException ? e.Message : "corrupt data (" + e.Message + ")";
            throw new ParquetException(problem) { Page = decoder.PageIndex, ByteOffset = decoder.PageOffset };
        }
    }

    public void Emit(int firstRow, int count, ColumnValues dst)
    {
        if (_nested is not null)
        {
            for (int r = 0; r < count; r++)
                _nested.AppendRow(firstRow + r, dst);
            return;
        }
        if (_rowCursor != firstRow)
            throw new InvalidOperationException("rows must be emitted in order");
        var chunk = Chunks[0];
        var conv = Converters[0];
        int maxDef = Leaves[0].DefinitionLevel;
        int done = 0;
        while (done < count)
        {
            if (_levelCursor == chunk.LevelCount)
            {
                NextPage();
                continue;
            }
            int n = Math.Min(chunk.LevelCount - _levelCursor, count - done);
            var values = chunk.Values;
            // No nulls in this stretch (a required column, or definition levels all at the maximum): whole runs at once.
            var def = maxDef == 0 ? default : chunk.Def.AsSpan(_levelCursor, n);
            bool noNulls = maxDef == 0 || !def.ContainsAnyExcept(maxDef);
            int present = noNulls ? n : def.Count(maxDef);
            if (present > values.Count - _valueCursor)
                throw new ParquetException(maxDef == 0 ? "column has fewer values than rows" : "column has fewer values than its definition levels say");
            if (!AppendRun(values, def, noNulls, n, present, conv, dst))
            {
                for (int r = 0; r < n; r++)
                {
                    if (noNulls || def[r] == maxDef)
                        conv.Append(values, _valueCursor++, dst);
                    else
                        dst.AppendNull();
                }
                _valueCursor -= present;
            }
            _valueCursor += present;
            _levelCursor += n;
            done += n;
        }
        _rowCursor += count;
    }

    // Scratch for runs with nulls: each row's value (or a placeholder) in row order.
    private long[] _runInts = [];
    private double[] _runDoubles = [];
    private int[] _runStarts = [];
    private int[] _runLengths = [];

    /// <summary>
    /// Appends <paramref name="n"/> rows holding the next <paramref name="present"/> values in one bulk step for
    /// integers, doubles, text and binary (plain or dictionary references), nulls placed by the definition levels;
    /// false for the conversions that go value by value.
    /// </summary>
    private bool AppendRun(LeafValues values, ReadOnlySpan<int> def, bool noNulls, int n, int present, LeafConverter conv, ColumnValues dst)
    {
        int maxDef = Leaves[0].DefinitionLevel;
        int v = _valueCursor;
        int firstRow = dst.Count;
        switch (conv.Conversion)
        {
            case LeafConversion.Int64:
                if (noNulls)
                {
                    dst.AppendInt64s(values.Ints.AsSpan(v, n));
                    return true;
                }
                LeafChunk.Ensure(ref _runInts, n);
                dst.AppendInt64s(Spread(values.Ints, v, def, maxDef, _runInts.AsSpan(0, n)));
                break;
            case LeafConversion.Double:
                if (noNulls)
                {
                    dst.AppendDoubles(values.Doubles.AsSpan(v, n));
                    return true;
                }
                LeafChunk.Ensure(ref _runDoubles, n);
                dst.AppendDoubles(Spread(values.Doubles, v, def, maxDef, _runDoubles.AsSpan(0, n)));
                break;
            case LeafConversion.Text:
            case LeafConversion.Binary:
            {
                var kind = conv.Conversion == LeafConversion.Text ? ValueKind.Text : ValueKind.Binary;
                if (present == 0)
                {
                    for (int r = 0; r < n; r++)
                        dst.AppendNull();
                    return true;
                }
                // Values of a run come either all from the pages (start >= 0) or all from the dictionary (start < 0);
                // a chunk that switches between the two mid-run goes value by value.
                var starts = values.Starts.AsSpan(v, present);
                var lengths = values.Lengths.AsSpan(v, present);
                bool plain = starts[0] >= 0;
                if (plain ? starts.IndexOfAnyInRange(int.MinValue, -1) >= 0 : starts.IndexOfAnyInRange(0, int.MaxValue) >= 0)
                    return false;
                if (plain && noNulls)
                {
                    dst.AppendBytesRun(kind, values.Heap.AsSpan(0, values.HeapLength), starts, lengths);
                    return true;
                }
                var heap = plain ? values.Heap.AsSpan(0, values.HeapLength) : values.Dictionary!.Heap.AsSpan(0, values.Dictionary.HeapLength);
                LeafChunk.Ensure(ref _runStarts, n);
                LeafChunk.Ensure(ref _runLengths, n);
                var rs = _runStarts.AsSpan(0, n);
                var rl = _runLengths.AsSpan(0, n);
                int flip = plain ? 0 : -1; // ~s is s ^ -1
                int k = 0;
                for (int r = 0; r < n; r++)
                {
                    if (noNulls || def[r] == maxDef)
                    {
                        rs[r] = starts[k] ^ flip;
                        rl[r] = lengths[k];
                        k++;
                    }
                    else
                    {
                        rs[r] = 0;
                        rl[r] = 0;
                    }
                }
                dst.AppendBytesRun(kind, heap, rs, rl);
                break;
            }
            default:
                return false;
        }
        if (!noNulls)
            for (int r = 0; r < n; r++)
                if (def[r] != maxDef)
                    dst.SetNull(firstRow + r);
        return true;
    }

    /// <summary>The present values of a run (from <paramref name="first"/> on) spread over its rows, zero
    /// where a row is null (those rows are marked null after the bulk append).</summary>
    private static Span<T> Spread<T>(T[] source, int first, ReadOnlySpan<int> def, int maxDef, Span<T> rows) where T : struct
    {
        int v = first;
        for (int r = 0; r < rows.Length; r++)
            rows[r] = def[r] == maxDef ? source[v++] : default;
        return rows;
    }
}
