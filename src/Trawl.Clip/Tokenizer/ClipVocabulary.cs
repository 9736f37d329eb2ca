using System.IO.Compression;
using System.Text.Json;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Tokenizer;

/// <summary>CLIP's BPE vocabulary: token ids and merge ranks, read from a model folder's <c>tokenizer.json</c>,
/// <c>vocab.json</c> + <c>merges.txt</c> (Hugging Face) or <c>bpe_simple_vocab_16e6.txt(.gz)</c> (OpenAI, open_clip,
/// where the ids follow from the merges). Symbols are ids; a merge maps a pair of ids to its rank and result.</summary>
internal sealed class ClipVocabulary
{
    /// <summary>CLIP's own merge count (simple_tokenizer.py keeps lines 1 to 49152-256-2 of its merges file).</summary>
    public const int MaxMerges = 49152 - 256 - 2;
    private const long MaxFileBytes = 64L << 20;

    private readonly Dictionary<long, (int Rank, int Result)> _merges;

    private ClipVocabulary(Dictionary<string, int> ids, List<(string A, string B)> merges, string source)
    {
        Ids = ids;
        ByteIds = new int[256];
        ByteEndIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string s = ByteLevelAlphabet.ByteToChar[b].ToString();
            ByteIds[b] = ids.TryGetValue(s, out int id) ? id : throw Missing(source, s);
            ByteEndIds[b] = ids.TryGetValue(s + "</w>", out id) ? id : throw Missing(source, s + "</w>");
        }
        StartOfText = ids.TryGetValue(ClipPreTokenizer.StartOfText, out int sot) ? sot : throw Missing(source, ClipPreTokenizer.StartOfText);
        EndOfText = ids.TryGetValue(ClipPreTokenizer.EndOfText, out int eot) ? eot : throw Missing(source, ClipPreTokenizer.EndOfText);
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (a, b) = merges[rank];
            if (!ids.TryGetValue(a, out int ia) || !ids.TryGetValue(b, out int ib) || !ids.TryGetValue(a + b, out int ir))
                throw new DataFormatException(source, $"merge {rank + 1} ('{a} {b}') uses a token that is not in the vocabulary");
            _merges.TryAdd(Key(ia, ib), (rank, ir));
        }
        Size = ids.Values.Max() + 1;
    }

    public Dictionary<string, int> Ids { get; }
    public int[] ByteIds { get; }
    public int[] ByteEndIds { get; }
    public int StartOfText { get; }
    public int EndOfText { get; }
    /// <summary>One more than the largest id.</summary>
    public int Size { get; }

    public bool TryMerge(int a, int b, out int rank, out int result)
    {
        if (_merges.TryGetValue(Key(a, b), out var m)) { rank = m.Rank; result = m.Result; return true; }
        rank = int.MaxValue;
        result = -1;
        return false;
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    private static DataFormatException Missing(string source, string token) =>
        new(source, $"the vocabulary has no token '{token}' (a CLIP vocabulary holds the 512 byte symbols, their merges and <|startoftext|>, <|endoftext|>)");

    /// <summary>The vocabulary of a model folder, or null when it has none of the known files.</summary>
    public static ClipVocabulary? Find(string folder)
    {
        string tokenizerJson = Path.Combine(folder, "tokenizer.json");
        string vocabJson = Path.Combine(folder, "vocab.json");
        string mergesTxt = Path.Combine(folder, "merges.txt");
        if (File.Exists(vocabJson) || File.Exists(mergesTxt))
            return FromVocabAndMerges(vocabJson, mergesTxt);
        if (File.Exists(tokenizerJson))
            return FromTokenizerJson(tokenizerJson);
        foreach (string name in new[] { "bpe_simple_vocab_16e6.txt.gz", "bpe_simple_vocab_16e6.txt" })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path)) return FromOpenAiMerges(path);
        }
        return null;
    }

    public static ClipVocabulary FromVocabAndMerges(string vocabJson, string mergesTxt)
    {
        foreach (string f in new[] { vocabJson, mergesTxt })
        {
            if (!File.Exists(f)) throw new DataFormatException(f, "missing: vocab.json and merges.txt come as a pair (Hugging Face's CLIPTokenizer files)");
        }
        var ids = ReadIds(vocabJson, ReadJson(vocabJson).RootElement);
        return new ClipVocabulary(ids, ReadMergeLines(mergesTxt, ReadText(mergesTxt), skipHeader: true), mergesTxt);
    }

    public static ClipVocabulary FromTokenizerJson(string path)
    {
        using var doc = ReadJson(path);
        if (!doc.RootElement.TryGetProperty("model", out var model) || !model.TryGetProperty("vocab", out var vocab) || !model.TryGetProperty("merges", out var merges))
            throw new DataFormatException(path, "expected a BPE tokenizer with model.vocab and model.merges");
        var ids = ReadIds(path, vocab);
        if (doc.RootElement.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in added.EnumerateArray())
            {
                if (t.TryGetProperty("content", out var c) && t.TryGetProperty("id", out var id) && c.ValueKind == JsonValueKind.String && id.TryGetInt32(out int n))
                    ids[c.GetString()!] = n;
            }
        }
        var list = new List<(string, string)>();
        int i = 0;
        foreach (var m in merges.EnumerateArray())
        {
            i++;
            if (m.ValueKind == JsonValueKind.String)
            {
                var parts = m.GetString()!.Split(' ');
                if (parts.Length != 2) throw new DataFormatException(path, $"model.merges item {i} is not two tokens separated by a space");
                list.Add((parts[0], parts[1]));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
            {
                list.Add((m[0].GetString() ?? "", m[1].GetString() ?? ""));
            }
            else
            {
                throw new DataFormatException(path, $"model.merges item {i} is neither \"a b\" nor [\"a\", \"b\"]");
            }
        }
        return new ClipVocabulary(ids, list, path);
    }

    /// <summary>OpenAI's merges file: the ids are the 256 byte symbols, the same with &lt;/w&gt;, one per merge, then the two specials.</summary>
    public static ClipVocabulary FromOpenAiMerges(string path)
    {
        string text;
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(new LimitedStream(gz, MaxFileBytes, path));
            text = reader.ReadToEnd();
        }
        else
        {
            text = ReadText(path);
        }
        var merges = ReadMergeLines(path, text, skipHeader: true, alwaysSkipFirst: true);
        if (merges.Count > MaxMerges) merges.RemoveRange(MaxMerges, merges.Count - MaxMerges);
        var ids = new Dictionary<string, int>();
        foreach (byte b in ByteLevelAlphabet.VocabularyOrder()) ids[ByteLevelAlphabet.ByteToChar[b].ToString()] = ids.Count;
        foreach (byte b in ByteLevelAlphabet.VocabularyOrder()) ids[ByteLevelAlphabet.ByteToChar[b] + "</w>"] = ids.Count;
        // Ids by position as simple_tokenizer builds them: a merged string made twice keeps its later id.
        int next = 512;
        foreach (var (a, bb) in merges) ids[a + bb] = next++;
        ids[ClipPreTokenizer.StartOfText] = next++;
        ids[ClipPreTokenizer.EndOfText] = next;
        return new ClipVocabulary(ids, merges, path);
    }

    private static List<(string, string)> ReadMergeLines(string path, string text, bool skipHeader, bool alwaysSkipFirst = false)
    {
        var list = new List<(string, string)>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || (i == 0 && (alwaysSkipFirst || (skipHeader && line.StartsWith('#'))))) continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                throw new DataFormatException(path, "expected two tokens separated by one space", line: i + 1);
            list.Add((line[..space], line[(space + 1)..]));
        }
        return list;
    }

    private static Dictionary<string, int> ReadIds(string path, JsonElement vocab)
    {
        if (vocab.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(path, "the vocabulary must be a JSON object of token → id");
        var ids = new Dictionary<string, int>();
        foreach (var p in vocab.EnumerateObject())
        {
            if (!p.Value.TryGetInt32(out int id) || id < 0)
                throw new DataFormatException(path, $"token '{p.Name}' has no whole-number id");
            ids[p.Name] = id;
        }
        return ids;
    }

    private static string ReadText(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes) throw new DataFormatException(path, $"{info.Length:N0} bytes is more than a tokenizer file can be ({MaxFileBytes >> 20} MB)");
        return File.ReadAllText(path);
    }

    private static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(ReadText(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON: {e.Message}", inner: e);
        }
    }
}
