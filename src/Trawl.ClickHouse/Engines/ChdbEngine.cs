using System.Runtime.InteropServices;
using System.Text;

namespace Trawl.ClickHouse.Engines;

/// <summary>
/// chDB: ClickHouse running inside this process (libchdb.so, loaded once per process). One session per data path;
/// statements are serialised on it. Inserts go through a temporary RowBinary file read with <c>file()</c>, since
/// chDB has no HTTP body to stream into. Settings become a SETTINGS clause on the statement.
/// </summary>
public sealed class ChdbEngine : IClickHouseEngine
{
    /// <summary>The environment variable that names libchdb.so.</summary>
    public const string LibraryVariable = "TRAWL_CHDB_LIB";

    private readonly Session _session;
    private readonly bool _ownsSession;

    private ChdbEngine(Session session, string database, bool ownsSession)
    {
        _session = session;
        _ownsSession = ownsSession;
        Database = database;
    }

    /// <summary>One chDB connection: statements on it are serialised, and it remembers which database is current.</summary>
    private sealed class Session(string path, nint connection)
    {
        public readonly object Lock = new();
        public readonly string Path = path;
        public nint Connection = connection; // chdb_connection* as chdb_connect returned it
        public string CurrentDatabase = "default";
    }

    /// <summary>Where libchdb.so is looked for: $TRAWL_CHDB_LIB, else the npm package under ~/.cache/trawl-tools.</summary>
    public static string DefaultLibraryPath() =>
        Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ".cache/trawl-tools/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so");

    /// <summary>Opens a session whose tables live under <paramref name="dataPath"/>; statements run in <paramref name="database"/>
    /// (created if missing).</summary>
    public static ChdbEngine Open(string dataPath, string database = "default")
    {
        ChdbNative.Load();
        Directory.CreateDirectory(dataPath);
        nint conn = ChdbNative.Connect(["clickhouse", "--path=" + dataPath]);
        var session = new Session(dataPath, conn);
        var engine = new ChdbEngine(session, "default", ownsSession: true);
        engine.Version = ClickHouseVersion.Parse((string)engine.Run("SELECT version()", "JSONCompact").Rows[0][0]!);
        if (database == "default")
            return engine;
        engine.Run($"CREATE DATABASE IF NOT EXISTS {Sql.ClickHouseSql.Identifier(database)}", null);
        var inDatabase = new ChdbEngine(session, database, ownsSession: true) { Version = engine.Version };
        return inDatabase;
    }

    /// <summary>The same session running statements in another database (which must exist); disposing it leaves the session open.</summary>
    public ChdbEngine InDatabase(string database) => new(_session, database, ownsSession: false) { Version = Version };

    public ClickHouseVersion Version { get; private set; }

    public string Database { get; }

    public string Location => $"chDB {Version} at {_session.Path}";

    public QueryResult Query(string sql, QuerySettings? settings = null, CancellationToken cancel = default) =>
        Run(WithSettings(sql, settings), "JSONCompact");

    public void Execute(string sql, QuerySettings? settings = null, CancellationToken cancel = default) =>
        Run(WithSettings(sql, settings), null);

    public void InsertRowBinary(string table, IReadOnlyList<ColumnSpec> columns, Action<Stream> write, QuerySettings? settings = null, CancellationToken cancel = default)
    {
        string file = Path.Combine(Path.GetTempPath(), $"trawl-chdb-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                write(stream);
            string names = string.Join(", ", columns.Select(c => Sql.ClickHouseSql.Identifier(c.Name)));
            string structure = string.Join(", ", columns.Select(c => Sql.ClickHouseSql.Identifier(c.Name) + " " + c.Type));
            Execute($"INSERT INTO {table} ({names}) SELECT {names} FROM file({Sql.ClickHouseSql.String(file)}, 'RowBinary', {Sql.ClickHouseSql.String(structure)})", settings, cancel);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        if (!_ownsSession)
            return;
        lock (_session.Lock)
        {
            if (_session.Connection != 0)
            {
                ChdbNative.Close(_session.Connection);
                _session.Connection = 0;
            }
        }
    }

    private static string WithSettings(string sql, QuerySettings? settings)
    {
        if (settings is null)
            return sql;
        var all = settings.All().Select(kv => kv.Key + " = " + Sql.ClickHouseSql.String(kv.Value)).ToList();
        return all.Count == 0 ? sql : sql.TrimEnd().TrimEnd(';') + "\nSETTINGS " + string.Join(", ", all);
    }

    private QueryResult Run(string sql, string? format)
    {
        lock (_session.Lock)
        {
            ObjectDisposedException.ThrowIf(_session.Connection == 0, this);
            if (_session.CurrentDatabase != Database)
            {
                ChdbNative.Query(_session.Connection, "USE " + Sql.ClickHouseSql.Identifier(Database), "Null", out string? useError);
                if (useError is not null)
                    throw ClickHouseException.FromServerText("chDB", useError);
                _session.CurrentDatabase = Database;
            }
            byte[] output = ChdbNative.Query(_session.Connection, sql, format ?? "Null", out string? error);
            if (error is not null)
                throw ClickHouseException.FromServerText("chDB", error);
            return format is null ? new QueryResult([], []) : QueryResult.Read("chDB", output);
        }
    }
}

/// <summary>The C API of libchdb.so (chdb.h): connect with argv, query with a format, read the result's buffer or error.</summary>
internal static unsafe class ChdbNative
{
    private static readonly object LoadLock = new();
    private static nint _library;
    private static delegate* unmanaged<int, byte**, nint> _connect;
    private static delegate* unmanaged<nint, void> _closeConn;
    private static delegate* unmanaged<nint, byte*, byte*, nint> _query;
    private static delegate* unmanaged<nint, byte*> _resultBuffer;
    private static delegate* unmanaged<nint, nuint> _resultLength;
    private static delegate* unmanaged<nint, byte*> _resultError;
    private static delegate* unmanaged<nint, void> _destroyResult;

    /// <summary>True when libchdb.so can be found (not loaded).</summary>
    public static bool Available(out string path)
    {
        path = ChdbEngine.DefaultLibraryPath();
        return File.Exists(path);
    }

    public static void Load()
    {
        lock (LoadLock)
        {
            if (_library != 0)
                return;
            string path = ChdbEngine.DefaultLibraryPath();
            if (!File.Exists(path))
                throw new ClickHouseException($"chDB is not installed: {path} is missing (npm install @chdb/lib-linux-x64-gnu, or set {ChdbEngine.LibraryVariable})");
            nint lib = NativeLibrary.Load(path);
            _connect = (delegate* unmanaged<int, byte**, nint>)NativeLibrary.GetExport(lib, "chdb_connect");
            _closeConn = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "chdb_close_conn");
            _query = (delegate* unmanaged<nint, byte*, byte*, nint>)NativeLibrary.GetExport(lib, "chdb_query");
            _resultBuffer = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "chdb_result_buffer");
            _resultLength = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "chdb_result_length");
            _resultError = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "chdb_result_error");
            _destroyResult = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "chdb_destroy_query_result");
            _library = lib;
        }
    }

    /// <summary>chdb_connect(argc, argv): a chdb_connection*, or an error.</summary>
    public static nint Connect(string[] args)
    {
        var handles = new nint[args.Length];
        try
        {
            for (int i = 0; i < args.Length; i++)
                handles[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
            fixed (nint* argv = handles)
            {
                nint conn = _connect(args.Length, (byte**)argv);
                if (conn == 0 || *(nint*)conn == 0)
                    throw new ClickHouseException($"chDB: cannot open a session ({string.Join(' ', args)})");
                return conn;
            }
        }
        finally
        {
            foreach (nint h in handles)
                Marshal.FreeCoTaskMem(h);
        }
    }

    public static void Close(nint conn) => _closeConn(conn);

    /// <summary>chdb_query(*conn, sql, format): the output bytes, or the error text.</summary>
    public static byte[] Query(nint conn, string sql, string format, out string? error)
    {
        byte[] q = Encoding.UTF8.GetBytes(sql + "\0");
        byte[] f = Encoding.UTF8.GetBytes(format + "\0");
        nint result;
        fixed (byte* qp = q, fp = f)
            result = _query(*(nint*)conn, qp, fp);
        if (result == 0)
        {
            error = "chdb_query returned no result";
            return [];
        }
        try
        {
            byte* e = _resultError(result);
            if (e is not null)
            {
                error = Marshal.PtrToStringUTF8((nint)e) ?? "unknown error";
                return [];
            }
            error = null;
            byte* buffer = _resultBuffer(result);
            nuint length = _resultLength(result);
            return buffer is null || length == 0 ? [] : new ReadOnlySpan<byte>(buffer, checked((int)length)).ToArray();
        }
        finally
        {
            _destroyResult(result);
        }
    }
}
