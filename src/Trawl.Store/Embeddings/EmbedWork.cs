using System.Runtime.InteropServices;
using System.Text.Json;

namespace Trawl.Store.Embeddings;

/// <summary>
/// What an embedding run has computed so far, kept under <c>DATASET/embedding-work/SET/</c> until the vector set is
/// registered: <c>vectors.f32</c> (the rows done, float32, row-major), <c>failures.jsonl</c> (rows whose image could
/// not be read) and <c>state.json</c> (options, model, rows done). Each batch is appended and flushed to disk before
/// state.json is replaced (write then rename), so after a kill the state names only rows that are on disk; bytes past
/// it are cut off when the work is resumed. A lock file keeps two runs from sharing the folder.
/// </summary>
internal sealed class EmbedWork : IDisposable
{
    public const string FolderName = "embedding-work";
    private const int Version = 1;

    private readonly FileStream _lock;
    private readonly FileStream _vectors;
    private readonly FileStream _failures;
    private readonly int _dimension;
    private State _state;

    private EmbedWork(string folder, FileStream lockFile, State state, int dimension)
    {
        Folder = folder;
        _lock = lockFile;
        _state = state;
        _dimension = dimension;
        try
        {
            _vectors = new FileStream(Path.Combine(folder, "vectors.f32"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            _vectors.SetLength(state.Done * RowBytes);
            _vectors.Position = _vectors.Length;
            string failures = Path.Combine(folder, "failures.jsonl");
            // Failures of rows past the state were written by a batch whose state never landed: drop them.
            var kept = ReadFailures(failures).Where(f => f.Rowid < state.Done).ToList();
            File.WriteAllLines(failures, kept.Select(FailureLine));
            _failures = new FileStream(failures, FileMode.Append, FileAccess.Write, FileShare.Read);
            Failures = kept;
        }
        catch
        {
            _vectors?.Dispose();
            _lock.Dispose();
            throw;
        }
    }

    public string Folder { get; }
    public long Done => _state.Done;
    public long Missing => _state.Missing;
    public long Failed => _state.Failed;

    /// <summary>Failures recorded so far (earlier runs' included).</summary>
    public List<EmbedFailure> Failures { get; }

    private long RowBytes => (long)_dimension * sizeof(float);

    public static string FolderOf(string datasetDirectory, string set) => Path.Combine(datasetDirectory, FolderName, set);

    /// <summary>Opens the work of an earlier run of the same request and model, or starts afresh (discarding work
    /// that does not match when <paramref name="restart"/> is set, refusing otherwise).</summary>
    public static EmbedWork Open(string datasetDirectory, string table, EmbedRequest request, IEmbeddingModel model, bool restart)
    {
        string folder = FolderOf(datasetDirectory, request.VectorSet);
        Directory.CreateDirectory(folder);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(folder, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new UserErrorException($"another `trawl embed` is computing vector set '{request.VectorSet}' ({folder} is locked)", e);
        }
        try
        {
            var wanted = new State(Version, table, request.Column, request.Input.ToString().ToLowerInvariant(), model.Identity, model.Dimension, 0, 0, 0);
            string statePath = Path.Combine(folder, "state.json");
            State state = wanted;
            if (File.Exists(statePath) && !restart)
            {
                State? old;
                try
                {
                    old = JsonSerializer.Deserialize<State>(File.ReadAllBytes(statePath));
                }
                catch (JsonException e)
                {
                    throw new UserErrorException($"{statePath}: the work an earlier run left cannot be read ({e.Message}); give --restart to discard it", e);
                }
                if (old is null || old with { Done = 0, Missing = 0, Failed = 0 } != wanted)
                {
                    throw new UserErrorException($"vector set '{request.VectorSet}': an earlier run left work for table '{old?.Table}', column '{old?.Column}' ({old?.Input}) "
                        + $"with model {old?.Model}; run it again with the same options and model to resume, or give --restart to discard it");
                }
                long onDisk = new FileInfo(Path.Combine(folder, "vectors.f32")) is { Exists: true } f ? f.Length / ((long)old.Dimension * sizeof(float)) : 0;
                if (onDisk < old.Done)
                    throw new UserErrorException($"{folder}: vectors.f32 holds {onDisk} rows but state.json says {old.Done} were done; give --restart to discard the work");
                state = old;
            }
            else
            {
                foreach (string name in new[] { "vectors.f32", "failures.jsonl" })
                    File.Delete(Path.Combine(folder, name));
                WriteState(folder, state);
            }
            return new EmbedWork(folder, lockFile, state, model.Dimension);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Appends one batch of rows and makes it durable: vectors, then failures, then the state naming them.</summary>
    public void Commit(ReadOnlySpan<float> rows, IReadOnlyList<EmbedFailure> failures, long missing)
    {
        _vectors.Write(MemoryMarshal.AsBytes(rows));
        _vectors.Flush(flushToDisk: true);
        if (failures.Count > 0)
        {
            using (var w = new StreamWriter(_failures, leaveOpen: true))
            {
                foreach (var f in failures)
                    w.WriteLine(FailureLine(f));
            }
            _failures.Flush(flushToDisk: true);
            Failures.AddRange(failures);
        }
        _state = _state with { Done = _state.Done + rows.Length / _dimension, Missing = _state.Missing + missing, Failed = _state.Failed + failures.Count };
        WriteState(Folder, _state);
    }

    /// <summary>The rows done, in order, a chunk at a time.</summary>
    public void CopyRows(Action<ReadOnlySpan<float>> write)
    {
        var buffer = new float[Math.Max(1, (1 << 20) / _dimension) * _dimension];
        using var file = new FileStream(Path.Combine(Folder, "vectors.f32"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long left = _state.Done * _dimension;
        var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
        while (left > 0)
        {
            int n = (int)Math.Min(buffer.Length, left);
            file.ReadExactly(bytes[..(n * sizeof(float))]);
            write(buffer.AsSpan(0, n));
            left -= n;
        }
    }

    /// <summary>Removes the work folder once the set is registered.</summary>
    public void Delete()
    {
        Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
            string parent = Path.GetDirectoryName(Folder)!;
            if (!Directory.EnumerateFileSystemEntries(parent).Any())
                Directory.Delete(parent);
        }
        catch (IOException)
        {
            // Left behind, it is only resumed (as complete) by the next run of the same set.
        }
    }

    public void Dispose()
    {
        _vectors.Dispose();
        _failures?.Dispose();
        _lock.Dispose();
    }

    private static void WriteState(string folder, State state)
    {
        string path = Path.Combine(folder, "state.json");
        string temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(f, state);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static string FailureLine(EmbedFailure f) => JsonSerializer.Serialize(new FailureRecord(f.Rowid, f.Reason));

    private static IEnumerable<EmbedFailure> ReadFailures(string path)
    {
        if (!File.Exists(path))
            yield break;
        foreach (string line in File.ReadLines(path))
        {
            FailureRecord? r = null;
            try
            {
                r = JsonSerializer.Deserialize<FailureRecord>(line);
            }
            catch (JsonException)
            {
                // A line cut by the kill: its batch's state never landed either.
            }
            if (r is not null)
                yield return new EmbedFailure(r.Rowid, r.Reason ?? "");
        }
    }

    private sealed record State(int Version, string Table, string Column, string Input, string Model, int Dimension, long Done, long Missing, long Failed);

    private sealed record FailureRecord(long Rowid, string? Reason);
}
