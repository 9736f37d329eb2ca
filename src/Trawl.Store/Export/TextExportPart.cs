using System.Globalization;
using System.Text;
using System.Text.Json;
using Trawl.Formats.Tables;

namespace Trawl.Store.Export;

/// <summary>A CSV or TSV part (header row, RFC 4180 quoting, blobs as base64) or a JSON Lines part (one object a row).</summary>
internal sealed class TextExportPart : ExportPart
{
    private readonly string _path;
    private readonly IReadOnlyList<ExportColumn> _columns;
    private readonly object?[] _values;
    private readonly bool _csv;
    private readonly char _delimiter;
    private readonly FileStream _stream;
    private readonly StreamWriter? _text;
    private readonly Utf8JsonWriter? _json;
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public TextExportPart(string path, IReadOnlyList<ExportColumn> columns, bool csv, char delimiter = ',')
    {
        _path = path;
        _columns = columns;
        _values = new object?[columns.Count + 1];
        _csv = csv;
        _delimiter = delimiter;
        _stream = new FileStream(ExportFolder.Partial(path), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        if (csv)
        {
            _text = new StreamWriter(_stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            _text.WriteLine(string.Join(delimiter, columns.Select(c => Quote(c.Name))));
        }
        else
        {
            _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
    }

    public override IReadOnlyList<string> FinalPaths => [_path];

    public override void Write(ColumnBatch batch, int row)
    {
        WriteValues(Values(batch, row, _values));
    }

    private void WriteValues(object?[] row)
    {
        if (_csv)
        {
            for (int c = 0; c < _columns.Count; c++)
            {
                if (c > 0) _text!.Write(_delimiter);
                _text!.Write(row[c + 1] switch
                {
                    null => "",
                    string s => Quote(s),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    byte[] b => Convert.ToBase64String(b),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                });
            }
            _text!.WriteLine();
            return;
        }
        var w = _json!;
        w.WriteStartObject();
        for (int c = 0; c < _columns.Count; c++)
        {
            string name = _columns[c].Name;
            switch (row[c + 1])
            {
                case null: w.WriteNull(name); break;
                case long l: w.WriteNumber(name, l); break;
                case double d when double.IsFinite(d): w.WriteNumber(name, d); break;
                case double d: w.WriteString(name, d.ToString(CultureInfo.InvariantCulture)); break;
                case byte[] b: w.WriteBase64String(name, b); break;
                case var v: w.WriteString(name, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _stream.Write(Newline);
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\t\"\n\r") >= 0 || s.Length == 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public override void Complete()
    {
        _text?.Flush();
        _json?.Flush();
        _stream.Flush(flushToDisk: true);
        Dispose();
    }

    public override void Dispose()
    {
        _text?.Dispose();
        _json?.Dispose();
        _stream.Dispose();
    }
}
