using System.Text;
using System.Text.Json;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Json;

/// <summary>
/// Turns JSON objects into rows, for JSON Lines and JSON documents alike. First every row goes
/// through <see cref="CollectKeys"/> (the schema is the keys in first-seen order; with flattening,
/// nested objects give <c>parent_child</c> keys), then through <see cref="AppendRow"/>. Values:
/// integral numbers that fit are Int64, other numbers Double, strings Text, true/false Boolean,
/// null Null, objects and arrays compact JSON text.
/// </summary>
internal sealed class JsonRowBuilder
{
    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    private readonly bool _flatten;
    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _paths = new();
    private char[] _path = new char[256];
    private byte[] _scratch = new byte[256];
    private int[] _outputOf = [];
    private int[] _picked = [];
    private long[] _stamps = [];
    private long _rowStamp;

    public JsonRowBuilder(bool flatten)
    {
        _flatten = flatten;
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The keys seen, in first-seen order (flattened paths with Flatten).</summary>
    public IReadOnlyList<string> Keys => _paths;

    /// <summary>Fixes the output columns (indexes into <see cref="Keys"/>) before rows are appended.</summary>
    public void SetOutput(int[] picked)
    {
        _picked = picked;
        _outputOf = ColumnProjection.OutputPositions(_paths.Count, picked);
        _stamps = new long[_paths.Count];
    }

    /// <summary>Adds the keys of one row (a whole JSON object) to <see cref="Keys"/>; also checks the row is valid JSON.</summary>
    public void CollectKeys(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        StartObject(ref reader);
        WalkObject(ref reader, 0, null, json);
        EndRow(ref reader);
    }

    /// <summary>Appends one row (a whole JSON object) to the batch; keys not in the schema are ignored.</summary>
    public void AppendRow(ReadOnlySpan<byte> json, ColumnBatch batch)
    {
        _rowStamp++;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        StartObject(ref reader);
        WalkObject(ref reader, 0, batch, json);
        EndRow(ref reader);
        var columns = batch.Columns;
        for (int o = 0; o < _picked.Length; o++)
        {
            if (_stamps[_picked[o]] != _rowStamp)
                columns[o].AppendNull();
        }
    }

    private static void StartObject(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
            throw new JsonRowException("no JSON value", null, 0);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonRowException($"a row must be a JSON object; found {Describe(reader.TokenType)}", null, reader.TokenStartIndex);
    }

    private static void EndRow(ref Utf8JsonReader reader)
    {
        // Reading past the object makes the reader reject anything but whitespace after it.
        if (reader.Read())
            throw new JsonRowException("more than one JSON value", null, reader.TokenStartIndex);
    }

    /// <summary>Reads the members of the object whose StartObject the reader is on; batch null means collect keys.</summary>
    private void WalkObject(ref Utf8JsonReader reader, int prefixLength, ColumnBatch? batch, ReadOnlySpan<byte> json)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            int pathLength = AppendKey(ref reader, prefixLength);
            reader.Read();
            if (_flatten && reader.TokenType == JsonTokenType.StartObject)
            {
                WalkObject(ref reader, pathLength, batch, json);
                continue;
            }
            ReadOnlySpan<char> path = _path.AsSpan(0, pathLength);
            if (batch is null)
            {
                if (!_lookup.ContainsKey(path))
                {
                    string key = path.ToString();
                    _keys.Add(key, _paths.Count);
                    _paths.Add(key);
                }
                reader.Skip();
                continue;
            }
            if (!_lookup.TryGetValue(path, out int source) || _outputOf[source] < 0)
            {
                reader.Skip();
                continue;
            }
            if (_stamps[source] == _rowStamp)
                throw new JsonRowException($"the key '{path}' appears twice in the object", path.ToString(), reader.TokenStartIndex);
            _stamps[source] = _rowStamp;
            AppendValue(ref reader, batch.Columns[_outputOf[source]], json);
        }
    }

    /// <summary>Writes the property name (after <c>prefix_</c>) into the path buffer; returns the path's length.</summary>
    private int AppendKey(ref Utf8JsonReader reader, int prefixLength)
    {
        ReadOnlySpan<byte> name = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            if (_scratch.Length < name.Length)
                _scratch = new byte[name.Length * 2];
            name = _scratch.AsSpan(0, CopyString(ref reader, _scratch));
        }
        int start = prefixLength == 0 ? 0 : prefixLength + 1;
        int need = start + Encoding.UTF8.GetMaxCharCount(name.Length);
        if (_path.Length < need)
            Array.Resize(ref _path, need * 2);
        if (prefixLength > 0)
            _path[prefixLength] = '_';
        return start + Encoding.UTF8.GetChars(name, _path.AsSpan(start));
    }

    private static void AppendValue(ref Utf8JsonReader reader, ColumnValues column, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped)
                {
                    column.AppendText(reader.ValueSpan);
                }
                else
                {
                    Span<byte> target = column.ReserveBytes(reader.ValueSpan.Length);
                    column.CommitBytes(ValueKind.Text, CopyString(ref reader, target));
                }
                break;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out long l))
                    column.AppendInt64(l);
                else if (reader.TryGetDouble(out double d))
                    column.AppendDouble(d);
                else
                    column.AppendText(reader.ValueSpan); // out of double's range: keep the digits
                break;
            case JsonTokenType.True:
                column.AppendBoolean(true);
                break;
            case JsonTokenType.False:
                column.AppendBoolean(false);
                break;
            case JsonTokenType.Null:
                column.AppendNull();
                break;
            default:
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                ReadOnlySpan<byte> raw = json[start..(int)reader.BytesConsumed];
                Span<byte> space = column.ReserveBytes(raw.Length);
                column.CommitBytes(ValueKind.Json, JsonText.Minify(raw, space));
                break;
        }
    }

    /// <summary>The unescaped UTF-8 of the current string token; a lone surrogate escape becomes U+FFFD instead of failing.</summary>
    private static int CopyString(ref Utf8JsonReader reader, Span<byte> target)
    {
        try
        {
            return reader.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            return JsonStringDecoder.Decode(reader.ValueSpan, target);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
