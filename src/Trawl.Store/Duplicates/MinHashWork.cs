using System.Runtime.InteropServices;
using System.Text.Json;
using Trawl.Vectors.Duplicates;
using Trawl.Vectors.MinHash;

namespace Trawl.Store.Duplicates;

/// <summary>
/// The saved work of a MinHash dedupe, so an interrupted run continues where it stopped: in the table's dedupe folder,
/// <c>minhash.sig</c> (signatures so far, row after row), <c>minhash.rows</c> (their rowids, 8 bytes each),
/// <c>minhash.pairs</c> (pairs found by the bands done, 20 bytes each) and <c>minhash.json</c> (the request's key,
/// how many rows are signed, the last rowid signed, the next band, how many pairs), replaced atomically after the
/// files it counts are flushed. Anything written after the last save is cut off on resume and done again.
/// </summary>
internal sealed class MinHashWork : IDisposable
{
    private const int PairBytes = 20;
    private readonly string _folder;
    private readonly FileStream _rowids;
    private readonly FileStream _pairs;
    private State _state;

    private MinHashWork(string folder, State state, MinHashSignatureFile signatures, FileStream rowids, FileStream pairs, bool resumed)
    {
        _folder = folder;
        _state = state;
        Signatures = signatures;
        _rowids = rowids;
        _pairs = pairs;
        Resumed = resumed;
    }

    public MinHashSignatureFile Signatures { get; }

    /// <summary>Rows signed and saved.</summary>
    public long Signed => _state.Signed;

    /// <summary>The last rowid signed (-1 before the first), where signing continues.</summary>
    public long LastRowid => _state.LastRowid;

    /// <summary>True once every row is signed; the bands follow.</summary>
    public bool SignaturesComplete => _state.SignaturesComplete;

    public int NextBand => _state.NextBand;

    /// <summary>Whether this run continues saved work (and from where, for the report).</summary>
    public bool Resumed { get; }

    /// <summary>Opens the saved work for <paramref name="key"/>, or starts afresh when there is none, it is for another request,
    /// its files are shorter than it says (never a wrong answer: the work is redone), or <paramref name="restart"/>.</summary>
    public static MinHashWork Open(string folder, string key, int permutations, bool restart)
    {
        Directory.CreateDirectory(folder);
        string statePath = Path.Combine(folder, "minhash.json");
        State? saved = null;
        if (!restart && File.Exists(statePath))
        {
            try
            {
                saved = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath));
            }
            catch (JsonException)
            {
                saved = null;
            }
        }
        string sigPath = Path.Combine(folder, "minhash.sig"), rowsPath = Path.Combine(folder, "minhash.rows"), pairsPath = Path.Combine(folder, "minhash.pairs");
        bool usable = saved is not null && saved.Key == key && saved.Signed >= 0 && saved.Pairs >= 0 && saved.NextBand >= 0
            && Length(rowsPath) >= saved.Signed * 8 && Length(pairsPath) >= saved.Pairs * PairBytes
            && Length(sigPath) >= saved.Signed * permutations * 4L;
        var state = usable ? saved! : new State(key, 0, -1, false, 0, 0);
        var signatures = MinHashSignatureFile.Resume(sigPath, permutations, state.Signed);
        FileStream? rowids = null;
        try
        {
            rowids = new FileStream(rowsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            rowids.SetLength(state.Signed * 8);
            rowids.Position = rowids.Length;
            var pairs = new FileStream(pairsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            pairs.SetLength(state.Pairs * PairBytes);
            pairs.Position = pairs.Length;
            return new MinHashWork(folder, state, signatures, rowids, pairs, usable && (state.Signed > 0 || state.NextBand > 0));
        }
        catch
        {
            signatures.Dispose();
            rowids?.Dispose();
            throw;
        }
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : -1;

    /// <summary>Appends one row's signature (saved at the next <see cref="CommitSignatures"/>).</summary>
    public void Append(long rowid, ReadOnlySpan<uint> signature)
    {
        Signatures.Append(signature);
        Span<byte> b = stackalloc byte[8];
        MemoryMarshal.Write(b, rowid);
        _rowids.Write(b);
        _pendingLast = rowid;
    }

    private long _pendingLast = -1;

    /// <summary>Saves the signatures appended so far; <paramref name="complete"/> when every row is signed.</summary>
    public void CommitSignatures(bool complete)
    {
        Signatures.Flush();
        _rowids.Flush(flushToDisk: true);
        _state = _state with { Signed = Signatures.Rows, LastRowid = Math.Max(_state.LastRowid, _pendingLast), SignaturesComplete = complete };
        Save();
    }

    /// <summary>The rowids of the signed rows, in order.</summary>
    public long[] ReadRowIds()
    {
        _rowids.Flush();
        var ids = new long[Signatures.Rows];
        using var reader = new FileStream(_rowids.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        reader.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));
        return ids;
    }

    /// <summary>Saves one band's new pairs and that the band is done.</summary>
    public void CommitBand(int band, IReadOnlyList<SimilarPair> found)
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
        _state = _state with { NextBand = band + 1, Pairs = _state.Pairs + found.Count };
        Save();
    }

    /// <summary>The pairs the bands done so far found.</summary>
    public List<SimilarPair> ReadPairs()
    {
        _pairs.Flush();
        var list = new List<SimilarPair>((int)Math.Min(_state.Pairs, 1 << 20));
        using var reader = new FileStream(_pairs.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var buffer = new byte[PairBytes];
        for (long i = 0; i < _state.Pairs; i++)
        {
            reader.ReadExactly(buffer);
            list.Add(new SimilarPair(MemoryMarshal.Read<long>(buffer), MemoryMarshal.Read<long>(buffer.AsSpan(8)), MemoryMarshal.Read<float>(buffer.AsSpan(16))));
        }
        return list;
    }

    private void Save()
    {
        string statePath = Path.Combine(_folder, "minhash.json");
        string temp = statePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_state));
        File.Move(temp, statePath, overwrite: true);
    }

    public void Dispose()
    {
        Signatures.Dispose();
        _rowids.Dispose();
        _pairs.Dispose();
    }

    private sealed record State(string Key, long Signed, long LastRowid, bool SignaturesComplete, int NextBand, long Pairs);
}
