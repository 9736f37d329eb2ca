using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Vectors.Duplicates;

namespace Trawl.Store.Duplicates;

/// <summary>
/// The saved work of a pair search, so an interrupted dedupe resumes where it stopped: a folder in the
/// dataset holding <c>pairs.bin</c> (pairs found so far, 20 bytes each) and <c>state.json</c> (what the
/// search was asked, and the next row to search), which is replaced atomically after the pairs it counts
/// are flushed. Pairs written after the last state are cut off on resume. The folder goes when the
/// columns are written.
/// </summary>
internal sealed class DedupeWork : IDisposable
{
    private const int PairBytes = 20;
    private readonly string _folder;
    private readonly FileStream _pairs;

    private DedupeWork(string folder, FileStream pairs, string key, long nextRow, long pairCount)
    {
        _folder = folder;
        _pairs = pairs;
        Key = key;
        NextRow = nextRow;
        PairCount = pairCount;
    }

    public string Key { get; }
    public long NextRow { get; private set; }
    public long PairCount { get; private set; }

    public static string FolderFor(string datasetDirectory, string table) => Path.Combine(datasetDirectory, ".dedupe-" + table);

    /// <summary>Opens the saved work for <paramref name="key"/> (resuming), or starts afresh when there is none, it is for another request, or <paramref name="restart"/>.</summary>
    public static DedupeWork Open(string folder, string key, bool restart)
    {
        Directory.CreateDirectory(folder);
        string statePath = Path.Combine(folder, "state.json");
        long next = 0, count = 0;
        if (!restart && File.Exists(statePath))
        {
            try
            {
                var state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath));
                if (state is not null && state.Key == key && state.NextRow >= 0 && state.Pairs >= 0)
                {
                    next = state.NextRow;
                    count = state.Pairs;
                }
            }
            catch (JsonException)
            {
                // A damaged state file means starting over, never a wrong answer.
            }
        }
        var pairs = new FileStream(Path.Combine(folder, "pairs.bin"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        if (pairs.Length < count * PairBytes)
        {
            next = 0;
            count = 0;
        }
        pairs.SetLength(count * PairBytes);
        pairs.Position = pairs.Length;
        return new DedupeWork(folder, pairs, key, next, count);
    }

    /// <summary>Appends the pairs of rows up to <paramref name="nextRow"/> and records that they are done.</summary>
    public void Commit(List<SimilarPair> found, long nextRow)
    {
        Span<byte> buffer = stackalloc byte[PairBytes];
        foreach (var p in found)
        {
            MemoryMarshal.Write(buffer, p.First);
            MemoryMarshal.Write(buffer[8..], p.Second);
            MemoryMarshal.Write(buffer[16..], p.Similarity);
            _pairs.Write(buffer);
        }
        _pairs.Flush(flushToDisk: true);
        PairCount += found.Count;
        NextRow = nextRow;
        string statePath = Path.Combine(_folder, "state.json");
        string temp = statePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new State(Key, NextRow, PairCount)));
        File.Move(temp, statePath, overwrite: true);
    }

    /// <summary>Every pair saved, in the order found.</summary>
    public IEnumerable<SimilarPair> ReadPairs()
    {
        _pairs.Flush();
        using var reader = new FileStream(Path.Combine(_folder, "pairs.bin"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var buffer = new byte[PairBytes * 4096];
        long left = PairCount;
        while (left > 0)
        {
            int want = (int)Math.Min(4096, left) * PairBytes;
            reader.ReadExactly(buffer, 0, want);
            for (int o = 0; o < want; o += PairBytes)
                yield return new SimilarPair(
                    MemoryMarshal.Read<long>(buffer.AsSpan(o)),
                    MemoryMarshal.Read<long>(buffer.AsSpan(o + 8)),
                    MemoryMarshal.Read<float>(buffer.AsSpan(o + 16)));
            left -= want / PairBytes;
        }
    }

    /// <summary>Removes the folder (after the columns are written).</summary>
    public void Delete()
    {
        _pairs.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => _pairs.Dispose();

    private sealed record State(string Key, long NextRow, long Pairs);
}
