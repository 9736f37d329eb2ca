using Trawl.ClickHouse.Engines;
using Trawl.Testing;

namespace Trawl.ClickHouse.Tests.Engines;

/// <summary>chDB (ClickHouse 26.5 in this process) with its data in a temporary folder. libchdb.so is loaded once per
/// test process; tests get isolation from a database of their own in this one session.</summary>
public sealed class ChdbSession : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"trawl-chdb-{Environment.ProcessId}-{Guid.NewGuid():N}"[..34]);
    private readonly Lazy<ChdbEngine> _engine;

    public ChdbSession() => _engine = new Lazy<ChdbEngine>(() => ChdbEngine.Open(_path));

    /// <summary>The shared session; skips (fails under CI) when libchdb.so is absent.</summary>
    public ChdbEngine Engine
    {
        get
        {
            Requirements.Require(ChdbNative.Available(out string path), $"chDB is not installed ({path} is missing; set {ChdbEngine.LibraryVariable} or npm install @chdb/lib-linux-x64-gnu)");
            return _engine.Value;
        }
    }

    /// <summary>A new database in the session, and an engine view that runs statements in it.</summary>
    public IClickHouseEngine NewDatabase(string prefix)
    {
        string db = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        Engine.Execute($"CREATE DATABASE {db}");
        return Engine.InDatabase(db);
    }

    public void Dispose()
    {
        if (_engine.IsValueCreated)
            _engine.Value.Dispose();
        try
        {
            if (Directory.Exists(_path))
                Directory.Delete(_path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
