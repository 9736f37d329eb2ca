using System.Runtime.CompilerServices;
using SQLitePCL;
using Trawl.Formats.Tables;
using Trawl.Store.Datasets;
using Trawl.Store.Storage;

namespace Trawl.Store.Ingest;

/// <summary>What a source cell becomes in SQLite given its column's type: the one place that decides, shared by
/// the insert binder and the dedupe hash so both see the same value.</summary>
internal enum StoredKind : byte
{
    Null,
    Integer,
    Real,
    Text,
    Blob,
}

internal static class CellValue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static StoredKind Classify(ColumnValues column, int row, SqlType type, out long integer, out double real)
    {
        integer = 0;
        real = 0;
        switch (column.KindAt(row))
        {
            case ValueKind.Null:
                return StoredKind.Null;
            case ValueKind.Boolean:
            case ValueKind.Int64:
                integer = column.Int64At(row);
                return StoredKind.Integer;
            case ValueKind.Double:
                real = column.DoubleAt(row);
                return StoredKind.Real;
            case ValueKind.Binary:
                return StoredKind.Blob;
            case ValueKind.Json:
                return StoredKind.Text;
            default:
                if (type is SqlType.Integer or SqlType.Real)
                {
                    var bytes = column.BytesAt(row);
                    // An empty CSV cell in a numeric column is a missing value, not the empty string.
                    if (bytes.IsEmpty)
                        return StoredKind.Null;
                    if (type == SqlType.Integer && NumberText.TryParseInteger(bytes, out integer))
                        return StoredKind.Integer;
                    if (NumberText.TryParseReal(bytes, out real))
                        return StoredKind.Real;
                }
                return StoredKind.Text;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static int Bind(sqlite3_stmt stmt, int parameter, ColumnValues column, int row, SqlType type)
    {
        return Classify(column, row, type, out long integer, out double real) switch
        {
            StoredKind.Null => raw.sqlite3_bind_null(stmt, parameter),
            StoredKind.Integer => raw.sqlite3_bind_int64(stmt, parameter, integer),
            StoredKind.Real => raw.sqlite3_bind_double(stmt, parameter, real),
            StoredKind.Blob => raw.sqlite3_bind_blob(stmt, parameter, column.BytesAt(row)),
            _ => raw.sqlite3_bind_text(stmt, parameter, column.BytesAt(row)),
        };
    }

    /// <summary>The value as SQLite stores it in a column of this type (affinity applied to numbers), for facet caches.</summary>
    public static object? Materialize(ColumnValues column, int row, SqlType type)
    {
        return Classify(column, row, type, out long integer, out double real) switch
        {
            StoredKind.Null => null,
            // (object) casts: a conditional of long and double would otherwise make both double.
            StoredKind.Integer => type switch
            {
                SqlType.Real => (double)integer,
                // TEXT affinity stores a bound integer as its decimal text.
                SqlType.Text => integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => (object)integer,
            },
            StoredKind.Real => type == SqlType.Integer && real == Math.Floor(real) && Math.Abs(real) < 9e18 ? (object)(long)real : real,
            StoredKind.Blob => column.BytesAt(row).ToArray(),
            _ => System.Text.Encoding.UTF8.GetString(column.BytesAt(row)),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(ref Hash128 hash, ColumnValues column, int row, SqlType type)
    {
        var kind = Classify(column, row, type, out long integer, out double real);
        switch (kind)
        {
            case StoredKind.Integer when type == SqlType.Text:
                Span<byte> digits = stackalloc byte[24];
                System.Buffers.Text.Utf8Formatter.TryFormat(integer, digits, out int written);
                HashBytes(ref hash, StoredKind.Text, digits[..written]);
                break;
            case StoredKind.Integer: HashInteger(ref hash, integer); break;
            case StoredKind.Real: HashReal(ref hash, real); break;
            case StoredKind.Text: HashBytes(ref hash, StoredKind.Text, column.BytesAt(row)); break;
            case StoredKind.Blob: HashBytes(ref hash, StoredKind.Blob, column.BytesAt(row)); break;
            default: hash.AddByte((byte)StoredKind.Null); break;
        }
    }

    /// <summary>Hashes the current value of a result column, as stored, the same way as <see cref="Hash"/>.</summary>
    public static void HashStored(ref Hash128 hash, sqlite3_stmt stmt, int column)
    {
        switch (raw.sqlite3_column_type(stmt, column))
        {
            case raw.SQLITE_INTEGER: HashInteger(ref hash, raw.sqlite3_column_int64(stmt, column)); break;
            case raw.SQLITE_FLOAT: HashReal(ref hash, raw.sqlite3_column_double(stmt, column)); break;
            case raw.SQLITE_TEXT: HashBytes(ref hash, StoredKind.Text, raw.sqlite3_column_blob(stmt, column)); break;
            case raw.SQLITE_BLOB: HashBytes(ref hash, StoredKind.Blob, raw.sqlite3_column_blob(stmt, column)); break;
            default: hash.AddByte((byte)StoredKind.Null); break;
        }
    }

    public static void HashText(ref Hash128 hash, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
            hash.AddByte((byte)StoredKind.Null);
        else
            HashBytes(ref hash, StoredKind.Text, utf8);
    }

    private static void HashInteger(ref Hash128 hash, long value)
    {
        hash.AddByte((byte)StoredKind.Integer);
        hash.AddInt64(value);
    }

    // 5.0 and 5 are the same value to SQLite (a REAL column stores either), so they hash alike.
    private static void HashReal(ref Hash128 hash, double value)
    {
        if (value == Math.Floor(value) && value >= -9.2e18 && value <= 9.2e18)
        {
            HashInteger(ref hash, (long)value);
            return;
        }
        hash.AddByte((byte)StoredKind.Real);
        hash.AddInt64(BitConverter.DoubleToInt64Bits(value));
    }

    private static void HashBytes(ref Hash128 hash, StoredKind kind, ReadOnlySpan<byte> bytes)
    {
        hash.AddByte((byte)kind);
        hash.AddBytes(bytes);
    }
}
