using System.Text.Json;
using Trawl.Formats.Compression;
using Trawl.Formats.Sources;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Json;

/// <summary>
/// Walks a JSON document to the array that holds the rows (the root, or the one at a dotted key
/// path) and hands out its elements one whole object at a time. The document is streamed through a
/// refilling window with <see cref="Utf8JsonReader"/> and its saved state, so memory stays bounded
/// by the largest single row, whatever the document's size.
/// </summary>
internal sealed class JsonRowsCursor : IDisposable
{
    private readonly SourceStream _source;
    private readonly SourceBuffer _buffer;
    private readonly string? _jsonPath;
    private readonly int _maxRecordBytes;
    private JsonReaderState _state;
    private long _line = 1;
    // Lines skipped before the first reader was made: the readers count lines from there.
    private long _lineBase;
    private bool _done;

    public JsonRowsCursor(string path, string? jsonPath, int bufferSize, int maxRecordBytes)
    {
        _source = SourceStream.Open(path);
        _buffer = new SourceBuffer(_source, bufferSize);
        _jsonPath = string.IsNullOrWhiteSpace(jsonPath) ? null : jsonPath;
        _maxRecordBytes = maxRecordBytes;
        _state = new JsonReaderState(JsonRowBuilder.ReaderOptions);
        while (_buffer.Data.Length < 3 && _buffer.ReadMore())
        {
        }
        if (_buffer.Data.StartsWith("\uFEFF"u8))
            _buffer.Advance(3);
    }

    public string Path => _source.Path;
    public SourceStream Source => _source;

    /// <summary>Moves to just inside the rows array.</summary>
    public void FindRows()
    {
        while (JsonText.IsBlank(_buffer.Data))
        {
            if (_buffer.AtEnd)
                throw Error("the document is empty");
            Advance(_buffer.Data.Length);
            _buffer.ReadMore();
        }
        _lineBase = _line - 1;
        try
        {
            var reader = NewReader();
            if (!Read(ref reader))
                throw Error("the document is empty");
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                if (_jsonPath is not null)
                    throw Error($"the document is an array, so there is no key '{_jsonPath}'; leave out --json-path");
                Persist(ref reader);
                return;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Error("the document must be an array of objects, or an object holding one");
            if (_jsonPath is null)
            {
                var arrays = new List<string>();
                while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = KeyName(ref reader);
                    Read(ref reader);
                    if (reader.TokenType == JsonTokenType.StartArray)
                        arrays.Add(name);
                    SkipValue(ref reader);
                }
                string which = arrays.Count == 0 ? "no top-level key holds an array" : "keys holding arrays: " + string.Join(", ", arrays);
                throw Error($"the document is an object; pass --json-path with the key of the array of rows ({which})");
            }
            string[] segments = _jsonPath.Split('.');
            for (int s = 0; s < segments.Length; s++)
            {
                string walked = string.Join('.', segments[..(s + 1)]);
                var keys = new List<string>();
                bool found = false;
                while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(segments[s]))
                    {
                        found = true;
                        Read(ref reader);
                        break;
                    }
                    keys.Add(KeyName(ref reader));
                    Read(ref reader);
                    SkipValue(ref reader);
                }
                if (!found)
                    throw Error($"no key '{walked}' in the document (keys there: {string.Join(", ", keys)})");
                bool last = s == segments.Length - 1;
                var want = last ? JsonTokenType.StartArray : JsonTokenType.StartObject;
                if (reader.TokenType != want)
                    throw Error($"'{walked}' holds {Describe(reader.TokenType)}; {(last ? "an array of row objects" : "an object")} is expected");
            }
            Persist(ref reader);
        }
        catch (JsonException e)
        {
            throw Error(e);
        }
    }

    /// <summary>The next row object of the array, whole; false after the array's end.</summary>
    public bool TryNext(out ReadOnlySpan<byte> element, out long line, out long offset)
    {
        element = default;
        line = 0;
        offset = 0;
        if (_done)
            return false;
        try
        {
            var reader = NewReader();
            while (true)
            {
                var before = reader;
                if (!reader.Read())
                {
                    if (_buffer.AtEnd)
                        throw Error("the document ends inside the array of rows (truncated?)");
                    Refill(ref reader);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    Persist(ref reader);
                    _done = true;
                    return false;
                }
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw Error($"a row must be a JSON object; found {Describe(reader.TokenType)}", reader.TokenStartIndex);
                var whole = reader;
                if (!whole.TrySkip())
                {
                    if (_buffer.AtEnd)
                        throw Error("the document ends inside a row (truncated?)", reader.TokenStartIndex);
                    reader = before;
                    Refill(ref reader);
                    continue;
                }
                int start = (int)reader.TokenStartIndex;
                int end = (int)whole.BytesConsumed;
                ReadOnlySpan<byte> data = _buffer.Data;
                if (end - start > _maxRecordBytes)
                    throw Error($"a row is larger than the limit of {_maxRecordBytes:N0} bytes", start);
                line = _line + data[..start].Count((byte)'\n');
                offset = _buffer.Offset + start;
                Persist(ref whole);
                // Persist only moves the window's start, so the element's bytes stay where they are.
                element = data[start..end];
                return true;
            }
        }
        catch (JsonException e)
        {
            throw Error(e);
        }
    }

    public DataFormatException RowError(string problem, string? column, long line, long offset) =>
        new(Path, problem, line: line, column: column, byteOffset: offset);

    public void Dispose()
    {
        _buffer.Dispose();
        _source.Dispose();
    }

    private Utf8JsonReader NewReader() => new(_buffer.Data, _buffer.AtEnd, _state);

    private bool Read(ref Utf8JsonReader reader)
    {
        while (!reader.Read())
        {
            if (_buffer.AtEnd)
                return false;
            Refill(ref reader);
        }
        return true;
    }

    private void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return;
        int depth = reader.CurrentDepth;
        while (Read(ref reader))
        {
            if (reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                return;
        }
        throw Error("the document ends early (truncated?)");
    }

    /// <summary>Keeps the reader's unconsumed bytes, reads more after them, and resumes the reader there.</summary>
    private void Refill(ref Utf8JsonReader reader)
    {
        _state = reader.CurrentState;
        Advance((int)reader.BytesConsumed);
        if (_buffer.Data.Length > _maxRecordBytes)
            throw Error($"a row (or a single value) is larger than the limit of {_maxRecordBytes:N0} bytes");
        _buffer.ReadMore();
        reader = NewReader();
    }

    private void Persist(ref Utf8JsonReader reader)
    {
        _state = reader.CurrentState;
        Advance((int)reader.BytesConsumed);
    }

    private void Advance(int count)
    {
        _line += _buffer.Data[..count].Count((byte)'\n');
        _buffer.Advance(count);
    }

    private DataFormatException Error(string problem, long position = 0) =>
        new(Path, problem, line: _line + _buffer.Data[..(int)Math.Min(position, _buffer.Data.Length)].Count((byte)'\n'), byteOffset: _buffer.Offset + position);

    private DataFormatException Error(JsonException e)
    {
        // The reader's state carries its line count across refills, so its line is the document's (0-based).
        long? line = e.LineNumber + 1 + _lineBase;
        long? offset = null;
        if (line >= _line)
        {
            ReadOnlySpan<byte> data = _buffer.Data;
            int start = 0;
            for (long l = _line; l < line && start >= 0; l++)
            {
                int nl = data[start..].IndexOf((byte)'\n');
                start = nl < 0 ? -1 : start + nl + 1;
            }
            if (start >= 0)
                offset = _buffer.Offset + start + (e.BytePositionInLine ?? 0);
        }
        return new DataFormatException(Path, "not valid JSON: " + JsonErrors.Describe(e), line: line, byteOffset: offset, inner: e);
    }

    /// <summary>A property name for messages; never throws (bad UTF-8 shows as U+FFFD, escapes as written).</summary>
    private static string KeyName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
            }
        }
        return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
