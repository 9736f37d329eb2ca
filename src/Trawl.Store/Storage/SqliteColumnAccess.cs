using System.Runtime.InteropServices;

namespace Trawl.Store.Storage;

/// <summary>
/// Bulk reading of a prepared statement's rows with direct calls into the e_sqlite3 library that Microsoft.Data.Sqlite
/// loads. Two costs of the ordinary path add up over millions of values: SQLitePCL's raw API marshals the statement as
/// a SafeHandle on every call (a reference count taken and dropped), and every sqlite3_column_* call takes and releases
/// the connection's mutex (e_sqlite3 is built serialized). A bulk reader therefore holds the connection's mutex for a
/// whole batch (<see cref="EnterConnection"/>; SQLite's own calls then re-enter it without an atomic operation), takes
/// each value once with sqlite3_column_value and reads it with the sqlite3_value_* functions, which take no mutex and
/// are safe on a value while its connection's mutex is held. The value calls only read memory SQLite holds, so they
/// skip the GC transition.
/// </summary>
internal static unsafe class SqliteColumnAccess
{
    private const string Library = "e_sqlite3";

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern nint sqlite3_db_mutex(nint db);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void sqlite3_mutex_enter(nint mutex);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern void sqlite3_mutex_leave(nint mutex);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int sqlite3_step(nint stmt);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    public static extern nint sqlite3_column_value(nint stmt, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    public static extern int sqlite3_value_type(nint value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    public static extern long sqlite3_value_int64(nint value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    public static extern double sqlite3_value_double(nint value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern byte* sqlite3_value_blob(nint value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern int sqlite3_value_bytes(nint value);

    /// <summary>A TEXT or BLOB value's bytes as stored (TEXT as UTF-8: the database is UTF-8), valid until the next step.</summary>
    public static ReadOnlySpan<byte> Bytes(nint value)
    {
        // blob before bytes, as SQLite's documentation asks.
        byte* p = sqlite3_value_blob(value);
        int n = sqlite3_value_bytes(value);
        return p is null ? default : new ReadOnlySpan<byte>(p, n);
    }

    /// <summary>Takes the connection's mutex (no-op when SQLite runs without mutexes); give the result to <see cref="LeaveConnection"/>.</summary>
    public static nint EnterConnection(nint db)
    {
        nint mutex = sqlite3_db_mutex(db);
        sqlite3_mutex_enter(mutex);
        return mutex;
    }

    public static void LeaveConnection(nint mutex) => sqlite3_mutex_leave(mutex);
}
