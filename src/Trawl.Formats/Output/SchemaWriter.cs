using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Output;

/// <summary>Prints a reader's schema (<c>trawl cat --schema</c>): as an aligned text table or as JSON.</summary>
public static class SchemaWriter
{
    /// <summary>One line per column: name, type and, when the source has one, its own type description.</summary>
    public static void WriteText(TextWriter output, ITableReader reader)
    {
        output.WriteLine($"{reader.Path}: {reader.Schema.Count} column{(reader.Schema.Count == 1 ? "" : "s")}" +
            (reader.RowCount is long rows ? $", {rows:N0} rows" : ""));
        var columns = reader.Schema.Columns;
        int width = columns.Count == 0 ? 0 : columns.Max(c => c.Name.Length);
        int typeWidth = columns.Count == 0 ? 0 : columns.Max(c => TypeName(c.Type).Length);
        foreach (var column in columns)
        {
            var line = new StringBuilder("  ").Append(column.Name.PadRight(width)).Append("  ").Append(TypeName(column.Type).PadRight(typeWidth));
            if (!string.IsNullOrEmpty(column.Description))
                line.Append("  ").Append(column.Description);
            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    /// <summary><c>{"path":..,"rows":n|null,"columns":[{"name":..,"type":..,"description":..}]}</c> and a newline.</summary>
    public static void WriteJson(Stream output, ITableReader reader)
    {
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("path", reader.Path);
            if (reader.RowCount is long rows)
                json.WriteNumber("rows", rows);
            else
                json.WriteNull("rows");
            json.WriteStartArray("columns");
            foreach (var column in reader.Schema.Columns)
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", TypeName(column.Type));
                if (column.Description is null)
                    json.WriteNull("description");
                else
                    json.WriteString("description", column.Description);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteByte((byte)'\n');
        output.Flush();
    }

    /// <summary>The lower-case name of a type as printed ("any", "text", "int64"...).</summary>
    public static string TypeName(ColumnType type) => type.ToString().ToLowerInvariant();
}
