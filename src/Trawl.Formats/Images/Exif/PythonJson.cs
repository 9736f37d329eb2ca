using System.Globalization;
using System.Text;

namespace Trawl.Formats.Images.Exif;

/// <summary>Python's json.dumps of a dict of strings with its defaults: ", " and ": " separators, every character outside
/// printable ASCII escaped (\uXXXX, lowercase hex).</summary>
internal static class PythonJson
{
    public static string Object(IReadOnlyList<KeyValuePair<string, string>> members)
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            String(sb, members[i].Key);
            sb.Append(": ");
            String(sb, members[i].Value);
        }
        return sb.Append('}').ToString();
    }

    private static void String(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c is < ' ' or > '~')
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
