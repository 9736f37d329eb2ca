using Trawl.Formats.Tables;
using Trawl.Store.Datasets;

namespace Trawl.Store.Ingest;

/// <summary>
/// Picks a SQLite type for a source column from its declared type and the first batch of values:
/// INTEGER when every non-empty value is an integer, REAL when every one is a number, else TEXT.
/// Later values that do not fit are still stored (as text), so a wrong guess loses nothing.
/// </summary>
internal static class TypeInference
{
    public static SqlType Infer(ColumnType declared, ColumnValues values, int rows)
    {
        switch (declared)
        {
            case ColumnType.Boolean:
            case ColumnType.Int64:
                return SqlType.Integer;
            case ColumnType.Double:
                return SqlType.Real;
            case ColumnType.Binary:
                return SqlType.Blob;
            case ColumnType.Json:
            case ColumnType.Date:
            case ColumnType.Timestamp:
                return SqlType.Text;
        }

        bool allInteger = true, allNumber = true, any = false, anyBinary = false, anyJsonOrText = false;
        for (int r = 0; r < rows && (allNumber || !anyBinary); r++)
        {
            switch (values.KindAt(r))
            {
                case ValueKind.Null:
                    break;
                case ValueKind.Boolean:
                case ValueKind.Int64:
                    any = true;
                    break;
                case ValueKind.Double:
                    any = true;
                    allInteger = false;
                    break;
                case ValueKind.Binary:
                    anyBinary = true;
                    allInteger = allNumber = false;
                    break;
                case ValueKind.Json:
                    anyJsonOrText = true;
                    allInteger = allNumber = false;
                    break;
                case ValueKind.Text:
                    var bytes = values.BytesAt(r);
                    if (bytes.IsEmpty)
                        break;
                    // JSON strings are strings on purpose; only text formats get numbers read out of text.
                    if (declared == ColumnType.Any)
                    {
                        anyJsonOrText = true;
                        allInteger = allNumber = false;
                        break;
                    }
                    any = true;
                    if (allInteger && NumberText.TryParseInteger(bytes, out _))
                        break;
                    allInteger = false;
                    if (allNumber && NumberText.TryParseReal(bytes, out _))
                        break;
                    allNumber = false;
                    anyJsonOrText = true;
                    break;
            }
        }
        if (anyBinary && !anyJsonOrText && !any)
            return SqlType.Blob;
        if (!any || !allNumber)
            return SqlType.Text;
        return allInteger ? SqlType.Integer : SqlType.Real;
    }
}
