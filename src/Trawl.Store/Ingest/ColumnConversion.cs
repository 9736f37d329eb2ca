namespace Trawl.Store.Ingest;

/// <summary>A cleanup applied to a source column as it is loaded (<c>--convert COL=CONVERSION</c>).</summary>
public enum ColumnConversion
{
    /// <summary><c>python-list-to-json</c>: <c>['a', "b's"]</c> becomes the JSON array <c>["a","b's"]</c> (json_list).</summary>
    PythonListToJson,
}
