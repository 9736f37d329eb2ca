using System.Text;

namespace Trawl.Formats.Images.Exif;

/// <summary>
/// A tag's values as exifread holds them: a string (ASCII tags), raw bytes (ASCII that is not UTF-8) or a list of
/// numbers; printed the way Python's <c>str()</c> prints each of those.
/// </summary>
internal sealed class ExifValues
{
    private readonly string? _text;
    private readonly byte[]? _bytes;
    private readonly List<ExifValue>? _list;

    private ExifValues(string? text, byte[]? bytes, List<ExifValue>? list)
    {
        _text = text;
        _bytes = bytes;
        _list = list;
    }

    public static ExifValues Text(string text) => new(text, null, null);

    public static ExifValues Bytes(byte[] bytes) => new(null, bytes, null);

    public static ExifValues List(List<ExifValue> list) => new(null, null, list);

    public bool IsText => _text is not null;

    public int Count => _text?.Length ?? _bytes?.Length ?? _list!.Count;

    /// <summary>values[0] as an offset to follow, or null where Python would raise a TypeError that exifread catches.</summary>
    public long? FirstOffset() => _bytes is not null ? _bytes[0] : _list is { } l && l[0].Kind == ExifValueKind.Integer ? l[0].Numerator : null;

    public string Repr(int index) => _list is { } l ? l[index].Repr() : _bytes is { } b ? b[index].ToString(System.Globalization.CultureInfo.InvariantCulture) : PythonText.StringRepr(_text![index].ToString());

    /// <summary>str(values).</summary>
    public string ToPython() => _text ?? (_bytes is { } b ? PythonText.BytesRepr(b) : "[" + string.Join(", ", _list!.Select(v => v.Repr())) + "]");

    /// <summary>exifread's long lists: str(values[0:20])[0:-1] + ', ... ]'.</summary>
    public string Truncated20()
    {
        string head = _bytes is { } b ? PythonText.BytesRepr(b[..20]) : "[" + string.Join(", ", _list!.Take(20).Select(v => v.Repr())) + "]";
        return head[..^1] + ", ... ]";
    }

    /// <summary>Each value replaced by its label (or its repr when it has none), concatenated.</summary>
    public string Labelled(IReadOnlyDictionary<long, string> labels)
    {
        var sb = new StringBuilder();
        if (_text is not null)
        {
            foreach (char ch in _text)
                sb.Append(PythonText.StringRepr(ch.ToString()));
        }
        else if (_bytes is not null)
        {
            foreach (byte v in _bytes)
                sb.Append(labels.TryGetValue(v, out string? label) ? label : v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            foreach (var v in _list!)
                sb.Append(v.AsLabelKey() is long k && labels.TryGetValue(k, out string? label) ? label : v.Repr());
        }
        return sb.ToString();
    }

    /// <summary>exifread's make_string: the printable characters (32..255), or the values run together, stripped of spaces and NULs.</summary>
    public string MakeString()
    {
        if (_text is not null)
            return _text.Trim(' ', '\0');
        var sb = new StringBuilder();
        if (_bytes is not null)
        {
            foreach (byte v in _bytes)
            {
                if (v >= 32)
                    sb.Append((char)v);
            }
            if (sb.Length == 0)
                return PythonText.BytesRepr(_bytes).Trim(' ', '\0');
            return sb.ToString().Trim(' ', '\0');
        }
        foreach (var v in _list!)
        {
            if (v.Kind == ExifValueKind.Integer && v.Numerator is >= 32 and < 256)
                sb.Append((char)v.Numerator);
        }
        if (sb.Length == 0)
        {
            string joined = string.Concat(_list.Select(v => v.Repr()));
            if (joined.Length > 0 && joined.All(ch => ch == '0'))
                return "";
            return joined.Trim(' ', '\0');
        }
        return sb.ToString().Trim(' ', '\0');
    }
}
