using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet.Assembly;

/// <summary>Turns one leaf's stored values into <see cref="ColumnValues"/> cells or JSON values.</summary>
internal sealed class LeafConverter
{
    private const long DaysToUnixEpoch = 719162; // DateOnly day number of 1970-01-01
    private const long NanosPerDay = 86_400_000_000_000;

    public LeafConverter(ParquetSchemaNode leaf)
    {
        var e = leaf.Element;
        var lt = e.LogicalType;
        Scale = lt?.Kind == ParquetLogicalKind.Decimal ? lt.Scale : e.Scale;
        IsUtc = lt?.IsAdjustedToUtc ?? true;
        Conversion = Decide(e, lt);
        if (Conversion == LeafConversion.Float16 && e.TypeLength != 2)
            Conversion = LeafConversion.Binary;
        if (Conversion == LeafConversion.Uuid && e.TypeLength != 16)
            Conversion = LeafConversion.Binary;
        if (Scale < 0 || Scale > 1000)
            throw new ParquetException($"decimal scale {Scale} is out of range");
    }

    public LeafConversion Conversion { get; }
    public int Scale { get; }
    public bool IsUtc { get; }

    private static LeafConversion Decide(ParquetSchemaElement e, ParquetLogicalType? lt)
    {
        var k = lt?.Kind ?? ParquetLogicalKind.None;
        var ct = e.ConvertedType;
        switch (e.Type)
        {
            case ParquetPhysicalType.Boolean:
                return LeafConversion.Boolean;
            case ParquetPhysicalType.Int32:
                if (k == ParquetLogicalKind.Decimal || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Decimal)) return LeafConversion.DecimalInt;
                if (k == ParquetLogicalKind.Date || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Date)) return LeafConversion.Date;
                if (k == ParquetLogicalKind.Time || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.TimeMillis)) return LeafConversion.TimeMillis;
                if ((k == ParquetLogicalKind.Integer && !lt!.IsSigned) || (k == ParquetLogicalKind.None && ct is ParquetConvertedType.UInt8 or ParquetConvertedType.UInt16 or ParquetConvertedType.UInt32))
                    return LeafConversion.UInt32;
                return LeafConversion.Int64;
            case ParquetPhysicalType.Int64:
                if (k == ParquetLogicalKind.Decimal || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Decimal)) return LeafConversion.DecimalInt;
                if (k == ParquetLogicalKind.Timestamp)
                    return lt!.Unit switch { ParquetTimeUnit.Millis => LeafConversion.TimestampMillis, ParquetTimeUnit.Micros => LeafConversion.TimestampMicros, _ => LeafConversion.TimestampNanos };
                if (k == ParquetLogicalKind.Time)
                    return lt!.Unit switch { ParquetTimeUnit.Millis => LeafConversion.TimeMillis, ParquetTimeUnit.Micros => LeafConversion.TimeMicros, _ => LeafConversion.TimeNanos };
                if (k == ParquetLogicalKind.None && ct == ParquetConvertedType.TimestampMillis) return LeafConversion.TimestampMillis;
                if (k == ParquetLogicalKind.None && ct == ParquetConvertedType.TimestampMicros) return LeafConversion.TimestampMicros;
                if (k == ParquetLogicalKind.None && ct == ParquetConvertedType.TimeMicros) return LeafConversion.TimeMicros;
                if ((k == ParquetLogicalKind.Integer && !lt!.IsSigned) || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.UInt64))
                    return LeafConversion.UInt64;
                return LeafConversion.Int64;
            case ParquetPhysicalType.Int96:
                return LeafConversion.Int96Timestamp;
            case ParquetPhysicalType.Float:
            case ParquetPhysicalType.Double:
                return LeafConversion.Double;
            case ParquetPhysicalType.ByteArray:
                if (k == ParquetLogicalKind.Decimal || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Decimal)) return LeafConversion.DecimalBytes;
                if (k is ParquetLogicalKind.String or ParquetLogicalKind.Enum || (k == ParquetLogicalKind.None && ct is ParquetConvertedType.Utf8 or ParquetConvertedType.Enum))
                    return LeafConversion.Text;
                if (k == ParquetLogicalKind.Json || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Json)) return LeafConversion.Json;
                return LeafConversion.Binary;
            case ParquetPhysicalType.FixedLenByteArray:
                if (k == ParquetLogicalKind.Decimal || (k == ParquetLogicalKind.None && ct == ParquetConvertedType.Decimal)) return LeafConversion.DecimalBytes;
                if (k == ParquetLogicalKind.Float16) return LeafConversion.Float16;
                if (k == ParquetLogicalKind.Uuid) return LeafConversion.Uuid;
                return LeafConversion.Binary;
            default:
                throw new ParquetException($"physical type {e.Type} is not supported");
        }
    }

    /// <summary>The declared column type for a flat column of this leaf.</summary>
    public ColumnType ColumnType => Conversion switch
    {
        LeafConversion.Boolean => ColumnType.Boolean,
        LeafConversion.Int64 or LeafConversion.UInt32 or LeafConversion.UInt64 => ColumnType.Int64,
        LeafConversion.Double or LeafConversion.Float16 => ColumnType.Double,
        LeafConversion.Text or LeafConversion.Uuid or LeafConversion.TimeMillis or LeafConversion.TimeMicros or LeafConversion.TimeNanos => ColumnType.Text,
        LeafConversion.Binary => ColumnType.Binary,
        LeafConversion.Json => ColumnType.Json,
        // Exact decimal digits travel as JSON number text; the declared type lets each cell say so.
        LeafConversion.DecimalInt or LeafConversion.DecimalBytes => ColumnType.Any,
        LeafConversion.Date => ColumnType.Date,
        _ => ColumnType.Timestamp,
    };

    public void Append(LeafValues v, int i, ColumnValues dst)
    {
        switch (Conversion)
        {
            case LeafConversion.Boolean: dst.AppendBoolean(v.Ints[i] != 0); break;
            case LeafConversion.Int64: dst.AppendInt64(v.Ints[i]); break;
            case LeafConversion.UInt32: dst.AppendInt64((uint)v.Ints[i]); break;
            case LeafConversion.UInt64:
                if (v.Ints[i] >= 0) dst.AppendInt64(v.Ints[i]);
                else dst.AppendDouble((ulong)v.Ints[i]);
                break;
            case LeafConversion.Double: dst.AppendDouble(v.Doubles[i]); break;
            case LeafConversion.Float16: dst.AppendDouble(Half16(v.BytesAt(i))); break;
            case LeafConversion.Text: dst.AppendText(v.BytesAt(i)); break;
            case LeafConversion.Binary: dst.AppendBinary(v.BytesAt(i)); break;
            case LeafConversion.Json:
            {
                var b = v.BytesAt(i);
                if (IsValidJson(b)) dst.AppendJson(b);
                else dst.AppendText(b);
                break;
            }
            case LeafConversion.DecimalInt:
            case LeafConversion.DecimalBytes:
            {
                int max = MaxFormattedLength(v, i);
                var span = dst.ReserveBytes(max);
                int n = FormatText(v, i, span);
                dst.CommitBytes(ValueKind.Json, n);
                break;
            }
            default:
            {
                var span = dst.ReserveBytes(64);
                int n = FormatText(v, i, span);
                dst.CommitBytes(ValueKind.Text, n);
                break;
            }
        }
    }

    private int MaxFormattedLength(LeafValues v, int i) => Conversion switch
    {
        LeafConversion.DecimalBytes => v.LengthAt(i) * 3 + Scale + 8,
        LeafConversion.DecimalInt => 24 + Scale,
        LeafConversion.Text or LeafConversion.Binary or LeafConversion.Json => v.LengthAt(i),
        _ => 64,
    };

    /// <summary>Writes the value as a JSON value (numbers, strings, booleans; binary as base64).</summary>
    public void WriteJson(LeafValues v, int i, Utf8JsonWriter w)
    {
        switch (Conversion)
        {
            case LeafConversion.Boolean: w.WriteBooleanValue(v.Ints[i] != 0); break;
            case LeafConversion.Int64: w.WriteNumberValue(v.Ints[i]); break;
            case LeafConversion.UInt32: w.WriteNumberValue((uint)v.Ints[i]); break;
            case LeafConversion.UInt64: w.WriteNumberValue((ulong)v.Ints[i]); break;
            case LeafConversion.Double: WriteDouble(w, v.Doubles[i]); break;
            case LeafConversion.Float16: WriteDouble(w, Half16(v.BytesAt(i))); break;
            case LeafConversion.Text: WriteString(w, v.BytesAt(i)); break;
            case LeafConversion.Binary: w.WriteBase64StringValue(v.BytesAt(i)); break;
            case LeafConversion.Json:
            {
                var b = v.BytesAt(i);
                if (IsValidJson(b)) w.WriteRawValue(b, skipInputValidation: true);
                else WriteString(w, b);
                break;
            }
            case LeafConversion.DecimalInt:
            case LeafConversion.DecimalBytes:
            {
                Span<byte> buf = stackalloc byte[256];
                int max = MaxFormattedLength(v, i);
                byte[]? big = max > buf.Length ? new byte[max] : null;
                var span = big ?? buf;
                int n = FormatText(v, i, span);
                w.WriteRawValue(span[..n], skipInputValidation: true);
                break;
            }
            default:
            {
                Span<byte> buf = stackalloc byte[64];
                int n = FormatText(v, i, buf);
                w.WriteStringValue(buf[..n]);
                break;
            }
        }
    }

    /// <summary>Writes the value as a JSON object key (map keys).</summary>
    public void WritePropertyName(LeafValues v, int i, Utf8JsonWriter w)
    {
        switch (Conversion)
        {
            case LeafConversion.Text:
            case LeafConversion.Json:
            {
                var b = v.BytesAt(i);
                if (Utf8.IsValid(b)) w.WritePropertyName(b);
                else w.WritePropertyName(Encoding.UTF8.GetString(b));
                break;
            }
            case LeafConversion.Binary:
                w.WritePropertyName(Convert.ToBase64String(v.BytesAt(i)));
                break;
            case LeafConversion.Boolean:
                w.WritePropertyName(v.Ints[i] != 0 ? "true"u8 : "false"u8);
                break;
            default:
            {
                int max = MaxFormattedLength(v, i);
                Span<byte> buf = max <= 256 ? stackalloc byte[256] : new byte[max];
                int n = Conversion switch
                {
                    LeafConversion.Int64 => Format(v.Ints[i], buf),
                    LeafConversion.UInt32 => Format((uint)v.Ints[i], buf),
                    LeafConversion.UInt64 => Format((ulong)v.Ints[i], buf),
                    LeafConversion.Double => Format(v.Doubles[i], buf),
                    LeafConversion.Float16 => Format(Half16(v.BytesAt(i)), buf),
                    _ => FormatText(v, i, buf),
                };
                w.WritePropertyName(buf[..n]);
                break;
            }
        }
    }

    private static int Format<T>(T value, Span<byte> buf) where T : IUtf8SpanFormattable
        => value.TryFormat(buf, out int n, default, System.Globalization.CultureInfo.InvariantCulture) ? n : 0;

    private static void WriteDouble(Utf8JsonWriter w, double d)
    {
        if (double.IsFinite(d)) w.WriteNumberValue(d);
        else w.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    }

    private static void WriteString(Utf8JsonWriter w, ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8)) w.WriteStringValue(utf8);
        else w.WriteStringValue(Encoding.UTF8.GetString(utf8));
    }

    private static bool IsValidJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var r = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
            while (r.Read()) { }
            return r.BytesConsumed == utf8.Length || utf8[(int)r.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static double Half16(ReadOnlySpan<byte> b) => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b));

    /// <summary>Formats decimals, dates, times, timestamps and UUIDs as text; returns the length.</summary>
    public int FormatText(LeafValues v, int i, Span<byte> dst)
    {
        switch (Conversion)
        {
            case LeafConversion.DecimalInt:
                return FormatDecimal(v.Ints[i], dst);
            case LeafConversion.DecimalBytes:
            {
                var b = v.BytesAt(i);
                if (b.Length == 0)
                    return FormatDecimal(0L, dst);
                if (b.Length <= 8)
                {
                    long x = (sbyte)b[0];
                    for (int k = 1; k < b.Length; k++) x = (x << 8) | b[k];
                    return FormatDecimal(x, dst);
                }
                return FormatDecimal(new BigInteger(b, isUnsigned: false, isBigEndian: true), dst);
            }
            case LeafConversion.Date:
                return FormatDate(v.Ints[i], dst);
            case LeafConversion.TimestampMillis:
                return FormatTimestamp(v.Ints[i], 1_000_000, 3, dst);
            case LeafConversion.TimestampMicros:
                return FormatTimestamp(v.Ints[i], 1_000, 6, dst);
            case LeafConversion.TimestampNanos:
                return FormatTimestamp(v.Ints[i], 1, 9, dst);
            case LeafConversion.Int96Timestamp:
            {
                var b = v.BytesAt(i);
                long nanos = BinaryPrimitives.ReadInt64LittleEndian(b);
                int julian = BinaryPrimitives.ReadInt32LittleEndian(b[8..]);
                return FormatDateTime(julian - 2440588L, nanos, 9, IsUtcInt96, dst);
            }
            case LeafConversion.TimeMillis:
                return FormatTime(v.Ints[i] * 1_000_000, 3, dst);
            case LeafConversion.TimeMicros:
                return FormatTime(v.Ints[i] * 1_000, 6, dst);
            case LeafConversion.TimeNanos:
                return FormatTime(v.Ints[i], 9, dst);
            case LeafConversion.Uuid:
            {
                var b = v.BytesAt(i);
                int n = 0;
                for (int k = 0; k < 16; k++)
                {
                    if (k is 4 or 6 or 8 or 10) dst[n++] = (byte)'-';
                    dst[n++] = Hex(b[k] >> 4);
                    dst[n++] = Hex(b[k] & 15);
                }
                return n;
            }
            default:
            {
                var b = v.BytesAt(i);
                b.CopyTo(dst);
                return b.Length;
            }
        }
    }

    // INT96 timestamps carry no zone flag; Spark and Impala wrote them as UTC instants.
    private const bool IsUtcInt96 = false;

    private static byte Hex(int d) => (byte)(d < 10 ? '0' + d : 'a' + d - 10);

    private int FormatDecimal(long unscaled, Span<byte> dst)
    {
        int n = 0;
        ulong abs = (ulong)unscaled;
        if (unscaled < 0)
        {
            dst[n++] = (byte)'-';
            abs = (ulong)(-(unscaled + 1)) + 1;
        }
        Span<byte> digits = dst[n..];
        if (!abs.TryFormat(digits, out int d, default, System.Globalization.CultureInfo.InvariantCulture))
            throw new ParquetException("decimal value is too long to format");
        return n + PlacePoint(digits, d);
    }

    private int FormatDecimal(BigInteger unscaled, Span<byte> dst)
    {
        int n = 0;
        if (unscaled.Sign < 0)
        {
            dst[n++] = (byte)'-';
            unscaled = BigInteger.Negate(unscaled);
        }
        Span<byte> digits = dst[n..];
        Span<char> chars = digits.Length <= 512 ? stackalloc char[digits.Length] : new char[digits.Length];
        if (!unscaled.TryFormat(chars, out int d, default, System.Globalization.CultureInfo.InvariantCulture))
            throw new ParquetException("decimal value is too long to format");
        for (int k = 0; k < d; k++)
            digits[k] = (byte)chars[k];
        return n + PlacePoint(digits, d);
    }

    /// <summary>Inserts the decimal point <see cref="Scale"/> digits from the right; returns the new length.</summary>
    private int PlacePoint(Span<byte> digits, int d)
    {
        if (Scale == 0)
            return d;
        if (d <= Scale)
        {
            // 0.00ddd: shift the digits right to make room for the leading zeros.
            int lead = Scale - d;
            digits[..d].CopyTo(digits[(2 + lead)..]);
            digits[0] = (byte)'0';
            digits[1] = (byte)'.';
            digits.Slice(2, lead).Fill((byte)'0');
            return 2 + Scale;
        }
        int intDigits = d - Scale;
        digits.Slice(intDigits, Scale).CopyTo(digits[(intDigits + 1)..]);
        digits[intDigits] = (byte)'.';
        return d + 1;
    }

    private static int FormatDate(long days, Span<byte> dst) => WriteDate(days, dst, out _);

    /// <summary>Writes the proleptic Gregorian date <paramref name="daysSinceEpoch"/> days after 1970-01-01 as
    /// YYYY-MM-DD, for any day count: years past 9999 get more digits, and years before 1 are written as DuckDB
    /// writes them, the year counted back from 1 BC and <c> (BC)</c> appended (by the caller, after the time).</summary>
    private static int WriteDate(long daysSinceEpoch, Span<byte> dst, out bool beforeChrist)
    {
        // Howard Hinnant's civil_from_days, in 64-bit arithmetic so every Int64 day count has its date.
        long z = daysSinceEpoch + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        beforeChrist = year <= 0;
        if (beforeChrist)
            year = 1 - year;
        int width = Math.Max(4, (int)Math.Floor(Math.Log10(Math.Max(1, year))) + 1);
        Digits(dst, 0, year, width);
        int n = width;
        dst[n] = (byte)'-';
        Digits(dst, n + 1, month, 2);
        dst[n + 3] = (byte)'-';
        Digits(dst, n + 4, day, 2);
        return n + 6;
    }

    private static void Digits(Span<byte> dst, int at, long value, int width)
    {
        for (int k = width - 1; k >= 0; k--)
        {
            dst[at + k] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private int FormatTimestamp(long value, long nanosPerUnit, int fractionDigits, Span<byte> dst)
    {
        long unitsPerDay = NanosPerDay / nanosPerUnit;
        long days = Math.DivRem(value, unitsPerDay, out long rem);
        if (rem < 0) { rem += unitsPerDay; days--; }
        return FormatDateTime(days, rem * nanosPerUnit, fractionDigits, IsUtc, dst);
    }

    private static int FormatDateTime(long daysSinceEpoch, long nanosOfDay, int fractionDigits, bool utc, Span<byte> dst)
    {
        // INT96 values may carry more (or negative) nanoseconds than a day holds: they roll into the days.
        daysSinceEpoch += Math.DivRem(nanosOfDay, NanosPerDay, out nanosOfDay);
        if (nanosOfDay < 0)
        {
            nanosOfDay += NanosPerDay;
            daysSinceEpoch--;
        }
        int n = WriteDate(daysSinceEpoch, dst, out bool beforeChrist);
        dst[n++] = (byte)'T';
        n += FormatTime(nanosOfDay, fractionDigits, dst[n..]);
        if (utc) dst[n++] = (byte)'Z';
        if (beforeChrist)
        {
            " (BC)"u8.CopyTo(dst[n..]);
            n += 5;
        }
        return n;
    }

    private static int FormatTime(long nanos, int fractionDigits, Span<byte> dst)
    {
        if (nanos < 0 || nanos >= NanosPerDay)
            return Format(nanos, dst);
        long secs = nanos / 1_000_000_000;
        long frac = nanos % 1_000_000_000;
        Digits(dst, 0, secs / 3600, 2);
        dst[2] = (byte)':';
        Digits(dst, 3, secs / 60 % 60, 2);
        dst[5] = (byte)':';
        Digits(dst, 6, secs % 60, 2);
        int n = 8;
        if (frac != 0)
        {
            dst[n++] = (byte)'.';
            long f = frac / (long)Math.Pow(10, 9 - fractionDigits);
            Digits(dst, n, f, fractionDigits);
            n += fractionDigits;
            while (dst[n - 1] == (byte)'0')
                n--;
        }
        return n;
    }
}
