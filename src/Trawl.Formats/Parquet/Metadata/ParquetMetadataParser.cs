using Trawl.Formats.Parquet.Thrift;
using R = Trawl.Formats.Parquet.Thrift.ThriftCompactReader;

namespace Trawl.Formats.Parquet.Metadata;

/// <summary>Decodes the Thrift structures of parquet.thrift that the reader needs; unknown fields are skipped.</summary>
internal static class ParquetMetadataParser
{
    /// <summary>Limits on counts read from a footer, far above real files, so a corrupt count cannot allocate without bound.</summary>
    private const int MaxSchemaElements = 1_000_000;

    public static ParquetFileMetadata ParseFileMetadata(ReadOnlySpan<byte> footer)
    {
        Span<short> stack = stackalloc short[80];
        var r = new R(footer, stack);
        var m = new ParquetFileMetadata();
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeI32: m.Version = r.ReadI32(); break;
                case 2 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    if (n > MaxSchemaElements || et != R.TypeStruct)
                        throw new ParquetException($"schema of {n} elements is not valid");
                    for (int i = 0; i < n; i++)
                        m.Schema.Add(ParseSchemaElement(ref r));
                    break;
                }
                case 3 when t == R.TypeI64: m.NumRows = r.ReadI64(); break;
                case 4 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    if (et != R.TypeStruct && n > 0)
                        throw new ParquetException("row group list has the wrong element type");
                    for (int i = 0; i < n; i++)
                        m.RowGroups.Add(ParseRowGroup(ref r));
                    break;
                }
                case 5 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != R.TypeStruct) { r.Skip(et); continue; }
                        m.KeyValues.Add(ParseKeyValue(ref r));
                    }
                    break;
                }
                case 6 when t == R.TypeBinary: m.CreatedBy = r.ReadString(); break;
                case 8: m.HasEncryptionAlgorithm = true; r.Skip(t); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
        return m;
    }

    private static KeyValuePair<string, string?> ParseKeyValue(ref R r)
    {
        string key = "";
        string? value = null;
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            if (id == 1 && t == R.TypeBinary) key = r.ReadString();
            else if (id == 2 && t == R.TypeBinary) value = r.ReadString();
            else r.Skip(t);
        }
        r.EndStruct();
        return new(key, value);
    }

    private static ParquetSchemaElement ParseSchemaElement(ref R r)
    {
        var e = new ParquetSchemaElement();
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeI32: e.Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == R.TypeI32: e.TypeLength = r.ReadI32(); break;
                case 3 when t == R.TypeI32: e.Repetition = (ParquetRepetition)r.ReadI32(); break;
                case 4 when t == R.TypeBinary: e.Name = r.ReadString(); break;
                case 5 when t == R.TypeI32: e.NumChildren = r.ReadI32(); break;
                case 6 when t == R.TypeI32: e.ConvertedType = (ParquetConvertedType)r.ReadI32(); break;
                case 7 when t == R.TypeI32: e.Scale = r.ReadI32(); break;
                case 8 when t == R.TypeI32: e.Precision = r.ReadI32(); break;
                case 10 when t == R.TypeStruct: e.LogicalType = ParseLogicalType(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
        return e;
    }

    private static ParquetLogicalType ParseLogicalType(ref R r)
    {
        var lt = new ParquetLogicalType(ParquetLogicalKind.None);
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            if (t != R.TypeStruct)
            {
                r.Skip(t);
                continue;
            }
            switch (id)
            {
                case 5: lt = ParseDecimal(ref r); break;
                case 7: lt = ParseTime(ref r, ParquetLogicalKind.Time); break;
                case 8: lt = ParseTime(ref r, ParquetLogicalKind.Timestamp); break;
                case 10: lt = ParseInteger(ref r); break;
                case 1 or 2 or 3 or 4 or 6 or 11 or 12 or 13 or 14 or 15 or 16 or 17 or 18:
                    lt = new ParquetLogicalType((ParquetLogicalKind)id);
                    r.Skip(t);
                    break;
                default:
                    lt = new ParquetLogicalType(ParquetLogicalKind.Unrecognized);
                    r.Skip(t);
                    break;
            }
        }
        r.EndStruct();
        return lt;
    }

    private static ParquetLogicalType ParseDecimal(ref R r)
    {
        int scale = 0, precision = 0;
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            if (id == 1 && t == R.TypeI32) scale = r.ReadI32();
            else if (id == 2 && t == R.TypeI32) precision = r.ReadI32();
            else r.Skip(t);
        }
        r.EndStruct();
        return new ParquetLogicalType(ParquetLogicalKind.Decimal, Scale: scale, Precision: precision);
    }

    private static ParquetLogicalType ParseTime(ref R r, ParquetLogicalKind kind)
    {
        bool utc = false;
        var unit = ParquetTimeUnit.Millis;
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            if (id == 1 && t is R.TypeTrue or R.TypeFalse) utc = R.BoolFromFieldType(t);
            else if (id == 2 && t == R.TypeStruct)
            {
                r.BeginStruct();
                while (r.ReadField(out short uid, out byte ut))
                {
                    if (uid is >= 1 and <= 3) unit = (ParquetTimeUnit)uid;
                    r.Skip(ut);
                }
                r.EndStruct();
            }
            else r.Skip(t);
        }
        r.EndStruct();
        return new ParquetLogicalType(kind, IsAdjustedToUtc: utc, Unit: unit);
    }

    private static ParquetLogicalType ParseInteger(ref R r)
    {
        int bits = 0;
        bool signed = true;
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            if (id == 1 && t == R.TypeByte) bits = (sbyte)r.ReadByte();
            else if (id == 2 && t is R.TypeTrue or R.TypeFalse) signed = R.BoolFromFieldType(t);
            else r.Skip(t);
        }
        r.EndStruct();
        return new ParquetLogicalType(ParquetLogicalKind.Integer, BitWidth: bits, IsSigned: signed);
    }

    private static ParquetRowGroup ParseRowGroup(ref R r)
    {
        var g = new ParquetRowGroup();
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    if (et != R.TypeStruct && n > 0)
                        throw new ParquetException("column chunk list has the wrong element type");
                    for (int i = 0; i < n; i++)
                        g.Columns.Add(ParseColumnChunk(ref r));
                    break;
                }
                case 2 when t == R.TypeI64: g.TotalByteSize = r.ReadI64(); break;
                case 3 when t == R.TypeI64: g.NumRows = r.ReadI64(); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
        return g;
    }

    private static ParquetColumnChunk ParseColumnChunk(ref R r)
    {
        var c = new ParquetColumnChunk();
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeBinary: c.FilePath = r.ReadString(); break;
                case 3 when t == R.TypeStruct: c.HasMetadata = true; ParseColumnMetadata(ref r, c); break;
                case 8 or 9: c.IsEncrypted = true; r.Skip(t); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
        return c;
    }

    private static void ParseColumnMetadata(ref R r, ParquetColumnChunk c)
    {
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeI32: c.Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et == R.TypeI32) c.Encodings.Add((ParquetEncoding)r.ReadI32());
                        else r.Skip(et);
                    }
                    break;
                }
                case 3 when t == R.TypeList:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et == R.TypeBinary) c.PathInSchema.Add(r.ReadString());
                        else r.Skip(et);
                    }
                    break;
                }
                case 4 when t == R.TypeI32: c.Codec = (ParquetCompression)r.ReadI32(); break;
                case 5 when t == R.TypeI64: c.NumValues = r.ReadI64(); break;
                case 6 when t == R.TypeI64: c.TotalUncompressedSize = r.ReadI64(); break;
                case 7 when t == R.TypeI64: c.TotalCompressedSize = r.ReadI64(); break;
                case 9 when t == R.TypeI64: c.DataPageOffset = r.ReadI64(); break;
                case 11 when t == R.TypeI64: c.DictionaryPageOffset = r.ReadI64(); break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
    }

    /// <summary>Parses a page header at the start of <paramref name="data"/>; returns the header's length in bytes.</summary>
    public static int ParsePageHeader(ReadOnlySpan<byte> data, out ParquetPageHeader h)
    {
        Span<short> stack = stackalloc short[80];
        var r = new R(data, stack);
        h = default;
        h.IsCompressed = true;
        bool hasType = false, hasSizes = false;
        r.BeginStruct();
        while (r.ReadField(out short id, out byte t))
        {
            switch (id)
            {
                case 1 when t == R.TypeI32: h.Type = (ParquetPageType)r.ReadI32(); hasType = true; break;
                case 2 when t == R.TypeI32: h.UncompressedSize = r.ReadI32(); break;
                case 3 when t == R.TypeI32: h.CompressedSize = r.ReadI32(); hasSizes = true; break;
                case 4 when t == R.TypeI32: h.Crc = r.ReadI32(); break;
                case 5 when t == R.TypeStruct:
                    h.HasDataHeader = true;
                    r.BeginStruct();
                    while (r.ReadField(out short f, out byte ft))
                    {
                        switch (f)
                        {
                            case 1 when ft == R.TypeI32: h.NumValues = r.ReadI32(); break;
                            case 2 when ft == R.TypeI32: h.Encoding = (ParquetEncoding)r.ReadI32(); break;
                            case 3 when ft == R.TypeI32: h.DefinitionLevelEncoding = (ParquetEncoding)r.ReadI32(); break;
                            case 4 when ft == R.TypeI32: h.RepetitionLevelEncoding = (ParquetEncoding)r.ReadI32(); break;
                            default: r.Skip(ft); break;
                        }
                    }
                    r.EndStruct();
                    break;
                case 7 when t == R.TypeStruct:
                    h.HasDictionaryHeader = true;
                    r.BeginStruct();
                    while (r.ReadField(out short f, out byte ft))
                    {
                        switch (f)
                        {
                            case 1 when ft == R.TypeI32: h.NumValues = r.ReadI32(); break;
                            case 2 when ft == R.TypeI32: h.Encoding = (ParquetEncoding)r.ReadI32(); break;
                            default: r.Skip(ft); break;
                        }
                    }
                    r.EndStruct();
                    break;
                case 8 when t == R.TypeStruct:
                    h.HasDataHeaderV2 = true;
                    r.BeginStruct();
                    while (r.ReadField(out short f, out byte ft))
                    {
                        switch (f)
                        {
                            case 1 when ft == R.TypeI32: h.NumValues = r.ReadI32(); break;
                            case 2 when ft == R.TypeI32: h.NumNulls = r.ReadI32(); break;
                            case 3 when ft == R.TypeI32: h.NumRows = r.ReadI32(); break;
                            case 4 when ft == R.TypeI32: h.Encoding = (ParquetEncoding)r.ReadI32(); break;
                            case 5 when ft == R.TypeI32: h.DefinitionLevelsByteLength = r.ReadI32(); break;
                            case 6 when ft == R.TypeI32: h.RepetitionLevelsByteLength = r.ReadI32(); break;
                            case 7 when ft is R.TypeTrue or R.TypeFalse: h.IsCompressed = R.BoolFromFieldType(ft); break;
                            default: r.Skip(ft); break;
                        }
                    }
                    r.EndStruct();
                    break;
                default: r.Skip(t); break;
            }
        }
        r.EndStruct();
        if (!hasType || !hasSizes)
            throw new ParquetException("page header lacks its type or sizes");
        if (h.CompressedSize < 0 || h.UncompressedSize < 0 || h.NumValues < 0)
            throw new ParquetException("page header has a negative size or count");
        return r.Position;
    }
}
